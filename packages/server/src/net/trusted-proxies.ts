/**
 * @module net/trusted-proxies
 * The `trustedProxies` option: exact IPs and CIDR ranges (IPv4 and IPv6; IPv4-mapped IPv6 peers
 * match IPv4 entries), parsed once into a `node:net` BlockList. Only a request whose socket comes
 * from one of these addresses may name the client in `X-Forwarded-For`.
 */

import { BlockList, isIP } from 'node:net';

/** Why an entry is not an IP or CIDR, or undefined when it is valid. */
export function trustedProxyProblem(entry: string): string | undefined {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return 'must be an IP address or a CIDR range (e.g. 10.0.0.0/8, fd00::/8)';
  if (slash === -1) return undefined;
  const prefixText = entry.slice(slash + 1);
  const prefix = Number(prefixText);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || prefix > max) {
    return `must have a prefix length from 0 to ${max}`;
  }
  return undefined;
}

/** The addresses allowed to forward client addresses. */
export class TrustedProxies {
  readonly #list = new BlockList();
  readonly size: number;

  /** @param entries validated entries (see {@link trustedProxyProblem}). */
  constructor(entries: readonly string[]) {
    this.size = entries.length;
    for (const entry of entries) {
      const [address = '', prefix] = entry.split('/');
      const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.#list.addAddress(address, type);
      else this.#list.addSubnet(address, Number(prefix), type);
    }
  }

  /** True when `address` (an IP as a socket reports it) is a trusted proxy. */
  has(address: string): boolean {
    if (this.size === 0) return false;
    const family = isIP(address);
    if (family === 0) return false;
    return this.#list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}
