/**
 * @module transports/node/node-binding
 * The server on a node:http server: REST on `request`, WebSocket upgrades (`ws`) on `upgrade`, and
 * every accepted TCP socket counted against `maxConnectionsPerIp` on `connection` (one over the
 * limit is destroyed before anything is read). `listenNode()` creates and binds a server of its own
 * with Node's request and headers timeouts from `requestTimeoutMs` (node:https with the `tls`
 * option, whose certificate `reloadTls()` swaps for new connections); `attach()` shares one.
 */

import {
  createServer as createHttpServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { BoundAddress, ServerTransport, TransportHooks } from '../server-transport';
import type { TlsMaterial } from '../tls-material';
import { nodeRequestListener } from './http-listener';
import { listenOn } from './listen';
import { WsUpgrades } from './ws-upgrade';

/** A node:http server, or a node:https one (TLS). */
export type NodeServer = HttpServer | HttpsServer;

/** Longest interval between Node's checks of `requestTimeout` / `headersTimeout`. */
const REQUEST_TIMEOUT_CHECK_MAX_MS = 1000;

export class NodeBinding implements ServerTransport {
  readonly #hooks: TransportHooks;
  readonly #server: NodeServer;
  readonly #owned: boolean;
  readonly #upgrades: WsUpgrades;
  readonly #handleRequest: (req: IncomingMessage, res: ServerResponse) => void;

  /** Hooks the server's listeners onto `server` (`rest: false`: no `request` listener). */
  constructor(hooks: TransportHooks, server: NodeServer, owned: boolean, rest: boolean) {
    this.#hooks = hooks;
    this.#server = server;
    this.#owned = owned;
    this.#upgrades = new WsUpgrades(hooks.gateway, hooks.options.pathPrefix);
    this.#handleRequest = nodeRequestListener(hooks.http);
    server.on('connection', this.#onConnection);
    if (rest) server.on('request', this.#handleRequest);
    server.on('upgrade', this.#onUpgrade);
  }

  get httpServer(): NodeServer {
    return this.#server;
  }

  /**
   * New TLS connections use `material`; open ones keep theirs (a server of our own with TLS only).
   * @throws {Error} when the server is not a node:https server.
   */
  reloadTls(material: TlsMaterial): void {
    if (!this.#owned || !('setSecureContext' in this.#server)) {
      throw new Error('TLS reload needs a server started by listen() with the tls option');
    }
    this.#server.setSecureContext(material);
  }

  /** Binds `host:port` (a server created by {@link listenNode} only). */
  listen(host: string, port: number): Promise<BoundAddress> {
    return listenOn(this.#server, host, port);
  }

  stopAccepting(): Promise<void> {
    if (!this.#owned) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    return closed;
  }

  closeConnections(): void {
    if (this.#owned) this.#server.closeAllConnections();
  }

  terminateSockets(): void {
    this.#upgrades.terminateAll();
  }

  detach(): void {
    this.#server.off('request', this.#handleRequest);
    this.#server.off('upgrade', this.#onUpgrade);
    this.#server.off('connection', this.#onConnection);
  }

  /** Counts every accepted socket against its IP; one over `maxConnectionsPerIp` is destroyed. */
  readonly #onConnection = (socket: Socket): void => {
    const admission = this.#hooks.limiter.admitPeer(socket.remoteAddress);
    if (admission.ok) {
      // Only a counted peer needs a close listener (most sockets are not counted per IP).
      if (admission.counted) socket.once('close', admission.release);
      return;
    }
    this.#hooks.metrics.inc('pushwire_errors_total', { kind: 'ip_limit', app_id: '' });
    socket.destroy();
  };

  readonly #onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.#upgrades.handleUpgrade(req, socket, head);
  };
}

/**
 * A node:http server of the server's own (node:https with `tls`), with Node's request timeouts
 * from `requestTimeoutMs`; the TLS handshake has the same deadline.
 */
export function createOwnHttpServer(requestTimeoutMs: number, tls?: TlsMaterial): NodeServer {
  const timeouts = {
    // Node's defaults hold a slow request for up to 300 s; the checks run every interval.
    requestTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.min(REQUEST_TIMEOUT_CHECK_MAX_MS, requestTimeoutMs),
  };
  if (tls === undefined) return createHttpServer(timeouts);
  // Node's default handshake deadline is 120 s.
  return createHttpsServer({ ...timeouts, ...tls, handshakeTimeout: requestTimeoutMs });
}
