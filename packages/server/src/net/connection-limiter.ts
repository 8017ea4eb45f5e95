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

import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
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

const NOTHING_TO_RELEASE = (): void => undefined;

export class ConnectionLimiter {
  readonly #limits: ConnectionLimits;
  readonly #trusted: TrustedProxies;
  readonly #perIp = new Map<string, number>();

  constructor(limits: ConnectionLimits, trusted: TrustedProxies) {
    this.#limits = limits;
    this.#trusted = trusted;
  }

  /**
   * Counts a newly accepted TCP socket against its remote IP until it closes.
   * @returns false when the IP is over its limit: the caller destroys the socket.
   */
  admitSocket(socket: Socket): boolean {
    const ip = normalizeIp(socket.remoteAddress);
    if (this.#limits.maxConnectionsPerIp === 0 || ip === '' || this.#trusted.has(ip)) return true;
    const key = ipLimitKey(ip);
    if (!this.#acquire(key)) return false;
    socket.once('close', () => this.#release(key));
    return true;
  }

  /**
   * Checks a WebSocket upgrade against `maxConnections` (given the node's open WebSocket
   * connections) and, when it comes through a trusted proxy, counts it against the forwarded client IP.
   */
  admitUpgrade(request: IncomingMessage, openWebSockets: number): UpgradeAdmission {
    const { maxConnections, maxConnectionsPerIp } = this.#limits;
    if (maxConnections > 0 && openWebSockets >= maxConnections) {
      return { ok: false, reason: 'server_full' };
    }
    const remote = normalizeIp(request.socket.remoteAddress);
    if (maxConnectionsPerIp === 0 || !this.#trusted.has(remote)) {
      // Direct peers were counted when their socket was accepted.
      return { ok: true, release: NOTHING_TO_RELEASE };
    }
    const ip = clientIp(remote, request.headers['x-forwarded-for'], this.#trusted);
    if (this.#trusted.has(ip)) return { ok: true, release: NOTHING_TO_RELEASE };
    const key = ipLimitKey(ip);
    if (!this.#acquire(key)) return { ok: false, reason: 'ip_limit' };
    let released = false;
    return {
      ok: true,
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
