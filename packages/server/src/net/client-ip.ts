/**
 * @module net/client-ip
 * The client address of a request: the socket's remote address, unless that address is a trusted
 * proxy, in which case `X-Forwarded-For` is read from the right and the first hop that is not a
 * trusted proxy is the client (hops further left were written by the client and prove nothing).
 * IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) are reported as IPv4. For per-IP limits an IPv6
 * address counts as its /64 network ({@link ipLimitKey}), the block one subscriber usually holds.
 */

import { isIP } from 'node:net';
import type { TrustedProxies } from './trusted-proxies';

/** Most `X-Forwarded-For` hops examined; a longer chain is cut (its left part is client-written). */
const MAX_FORWARDED_HOPS = 32;
const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** `address` with an IPv4-mapped IPv6 prefix removed, lowercased; '' when absent. */
export function normalizeIp(address: string | undefined): string {
  if (address === undefined) return '';
  const mapped = IPV4_MAPPED.exec(address);
  return (mapped?.[1] ?? address).toLowerCase();
}

/** One `X-Forwarded-For` entry as an IP (port and IPv6 brackets removed), or undefined. */
function forwardedHop(entry: string): string | undefined {
  let text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed?.[1] !== undefined) text = bracketed[1];
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  return isIP(text) === 0 ? undefined : normalizeIp(text);
}

/**
 * The client IP of a connection from `remoteAddress` carrying `forwardedFor` (the
 * `X-Forwarded-For` header, repeated headers joined by commas).
 */
export function clientIp(
  remoteAddress: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
  trusted: TrustedProxies,
): string {
  let client = normalizeIp(remoteAddress);
  if (forwardedFor === undefined || !trusted.has(client)) return client;
  const header = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',');
  const hops = header.split(',');
  const stop = Math.max(0, hops.length - MAX_FORWARDED_HOPS);
  for (let index = hops.length - 1; index >= stop; index--) {
    const hop = forwardedHop(hops[index] ?? '');
    // An unreadable hop ends the chain: the last trusted hop is the best we know.
    if (hop === undefined) return client;
    client = hop;
    if (!trusted.has(hop)) return client;
  }
  return client;
}

/** Hextets of an IPv6 address before the /64 boundary. */
const IPV6_NETWORK_HEXTETS = 4;

/**
 * The key an address is counted under for per-IP limits: an IPv4 address itself, an IPv6 address
 * its /64 network (`2001:db8:1:2::/64`), since one host can use any address of its /64.
 */
export function ipLimitKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail] = ip.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (`64:ff9b::1.2.3.4`) fills two hextets.
  const width = (parts: readonly string[]) =>
    parts.reduce((sum, part) => sum + (part.includes('.') ? 2 : 1), 0);
  const missing = tail === undefined ? 0 : 8 - width(headParts) - width(tailParts);
  const hextets = [...headParts, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailParts];
  const network = hextets
    .slice(0, IPV6_NETWORK_HEXTETS)
    .map((part) => (Number.parseInt(part, 16) || 0).toString(16));
  return `${network.join(':')}::/64`;
}
