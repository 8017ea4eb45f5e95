/**
 * @module net/client-ip
 * The client address of a request: the socket's remote address, unless that address is a trusted
 * proxy, in which case `X-Forwarded-For` is read from the right and the first hop that is not a
 * trusted proxy is the client (hops further left were written by the client and prove nothing).
 * IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) are reported as IPv4.
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
