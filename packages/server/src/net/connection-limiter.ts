/**
 * @module net/connection-limiter
 * Server-wide connection limits of one node. Every TCP socket (HTTP requests and WebSockets alike)
 * is counted against its remote IP from the moment it is accepted, and one over
 * `maxConnectionsPerIp` is destroyed before anything is read from it: that is what bounds
 * slow-request floods. Sockets from trusted proxies are not counted by address; their WebSocket
 * connections are counted against the client IP from `X-Forwarded-For` instead, at the upgrade.
 * `maxConnections` caps this node's WebSocket connections. An IPv6 client counts as its /64. Only
 * open sockets are in the map, so its size is bounded by the sockets the process holds.
 */

import { clientIp, ipLimitKey, normalizeIp } from './client-ip';
import type { TrustedProxies } from './trusted-proxies';

export interface ConnectionLimits {
  /** WebSocket connections on this node; `0` = unlimited. */
  readonly maxConnections: number;
  /** Open sockets (and proxied WebSocket connections) per client IP; `0` = unlimited. */
  readonly maxConnectionsPerIp: number;
}

/** Why a WebSocket upgrade is refused. */
export type UpgradeRefusal = 'server_full' | 'ip_limit';

/** The outcome of {@link ConnectionLimiter.admitUpgrade}: `release` must run when it closes. */
export type UpgradeAdmission =
  | { readonly ok: true; readonly release: () => void }
  | { readonly ok: false; readonly reason: UpgradeRefusal };

/** The outcome of {@link ConnectionLimiter.admitPeer}: `release` must run when the peer is gone. */
export type PeerAdmission =
  | {
      readonly ok: true;
      readonly release: () => void;
      /** False when nothing was counted (`release` does nothing and need not be called). */
      readonly counted: boolean;
    }
  | { readonly ok: false };

const ADMITTED_UNCOUNTED = Object.freeze({
  ok: true,
  counted: false,
  release: (): void => undefined,
} as const);
const REFUSED = Object.freeze({ ok: false } as const);

export class ConnectionLimiter {
  readonly #limits: ConnectionLimits;
  readonly #trusted: TrustedProxies;
  readonly #perIp = new Map<string, number>();

  constructor(limits: ConnectionLimits, trusted: TrustedProxies) {
    this.#limits = limits;
    this.#trusted = trusted;
  }

  /**
   * Counts a peer (a newly accepted TCP socket, or whatever the transport can see of one) against
   * its remote IP until the transport calls `release`, once, when it is gone.
   * @returns `ok: false` when the IP is over its limit: the caller drops the peer.
   */
  admitPeer(remoteAddress: string | undefined): PeerAdmission {
    const ip = normalizeIp(remoteAddress);
    if (this.#limits.maxConnectionsPerIp === 0 || ip === '' || this.#trusted.has(ip)) {
      return ADMITTED_UNCOUNTED;
    }
    return this.#counted(ipLimitKey(ip)) ?? REFUSED;
  }

  /**
   * Checks a WebSocket upgrade from `remoteAddress` against `maxConnections` (given the node's
   * open WebSocket connections) and, when it comes through a trusted proxy, counts it against the
   * client IP in `forwardedFor` (the `X-Forwarded-For` header).
   */
  admitUpgrade(
    remoteAddress: string | undefined,
    forwardedFor: string | readonly string[] | undefined,
    openWebSockets: number,
  ): UpgradeAdmission {
    const { maxConnections, maxConnectionsPerIp } = this.#limits;
    if (maxConnections > 0 && openWebSockets >= maxConnections) {
      return { ok: false, reason: 'server_full' };
    }
    const remote = normalizeIp(remoteAddress);
    if (maxConnectionsPerIp === 0 || !this.#trusted.has(remote)) {
      // Direct peers were counted by admitPeer() when the transport accepted them.
      return ADMITTED_UNCOUNTED;
    }
    const ip = clientIp(remote, forwardedFor, this.#trusted);
    if (this.#trusted.has(ip)) return ADMITTED_UNCOUNTED;
    return this.#counted(ipLimitKey(ip)) ?? { ok: false, reason: 'ip_limit' };
  }

  /** Acquires one slot of `key` with its idempotent release, or undefined when it is full. */
  #counted(
    key: string,
  ): { readonly ok: true; readonly counted: true; readonly release: () => void } | undefined {
    if (!this.#acquire(key)) return undefined;
    let released = false;
    return {
      ok: true,
      counted: true,
      release: () => {
        if (released) return;
        released = true;
        this.#release(key);
      },
    };
  }

  #acquire(ip: string): boolean {
    const count = this.#perIp.get(ip) ?? 0;
    if (count >= this.#limits.maxConnectionsPerIp) return false;
    this.#perIp.set(ip, count + 1);
    return true;
  }

  #release(ip: string): void {
    const count = this.#perIp.get(ip) ?? 0;
    if (count <= 1) this.#perIp.delete(ip);
    else this.#perIp.set(ip, count - 1);
  }
}
