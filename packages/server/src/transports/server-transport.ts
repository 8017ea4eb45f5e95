/**
 * @module transports/server-transport
 * What the server object asks of the transport that carries it (node:http + `ws`, or Bun.serve):
 * the hooks it gives the transport, and the shutdown steps the transport performs.
 */

import type { HttpApi } from '../http/handler';
import type { ConnectionLimiter } from '../net/connection-limiter';
import type { Metrics } from '../observability/metrics';
import type { ResolvedServerOptions } from '../options';
import type { WsGateway } from '../ws/gateway';
import type { TlsMaterial } from './tls-material';

/** The server parts a transport feeds (made once the adapter is started: a transport binds then). */
export interface TransportHooks {
  readonly options: ResolvedServerOptions;
  readonly gateway: WsGateway;
  readonly http: HttpApi;
  readonly limiter: ConnectionLimiter;
  readonly metrics: Metrics;
}

/** Where a transport is bound. */
export interface BoundAddress {
  readonly host: string;
  readonly port: number;
  readonly ipv6: boolean;
}

/** One transport the server runs on, in the order of the shutdown steps. */
export interface ServerTransport {
  /**
   * New connections are served with `material`; open ones keep their TLS session.
   * @throws {Error} when the transport does not serve TLS.
   */
  reloadTls(material: TlsMaterial): void;
  /** Stops accepting connections; resolves when the HTTP exchanges in flight are done. */
  stopAccepting(): Promise<void>;
  /** Cuts HTTP connections still open (the drain deadline passed). */
  closeConnections(): void;
  /** Destroys WebSockets that did not finish their close handshake. */
  terminateSockets(): void;
  /** Removes the transport's listeners (last step). */
  detach(): void;
}
