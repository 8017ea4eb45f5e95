/**
 * @module transports/bun/bun-api
 * The subset of Bun's API the Bun transport uses (`Bun.serve` with WebSockets), declared here so
 * that the package builds with Node's types only, and {@link bunRuntime} to reach it at run time.
 * @see https://bun.sh/docs/api/websockets
 */

/** A server-side WebSocket of `Bun.serve`; `data` is what `server.upgrade()` attached. */
export interface BunServerWebSocket<Data> {
  readonly data: Data;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  readonly remoteAddress: string;
  /** Bytes sent (> 0), -1 when queued behind backpressure, 0 when dropped. */
  send(data: string | Uint8Array): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
  /** Bytes queued for the peer. */
  getBufferedAmount(): number;
}

export interface BunWebSocketHandlers<Data> {
  open?(ws: BunServerWebSocket<Data>): void;
  message(ws: BunServerWebSocket<Data>, message: string | Buffer): void;
  drain?(ws: BunServerWebSocket<Data>): void;
  pong?(ws: BunServerWebSocket<Data>, data: Buffer): void;
  close?(ws: BunServerWebSocket<Data>, code: number, reason: string): void;
  /** Largest message accepted; a larger one closes the socket with 1009. */
  maxPayloadLength?: number;
  /** Queued bytes past which `send()` drops instead of queueing. */
  backpressureLimit?: number;
  closeOnBackpressureLimit?: boolean;
  /** Seconds of silence before Bun closes the socket; 0 = never. */
  idleTimeout?: number;
  sendPings?: boolean;
  perMessageDeflate?: boolean;
}

export interface BunSocketAddress {
  readonly address: string;
  readonly family: string;
  readonly port: number;
}

export interface BunServer<Data> {
  readonly port: number;
  readonly hostname: string;
  upgrade(request: Request, options: { readonly data: Data }): boolean;
  requestIP(request: Request): BunSocketAddress | null;
  /** Sets the idle timeout of `request`'s connection in seconds; 0 = never. */
  timeout(request: Request, seconds: number): void;
  /** Stops listening; `true` also closes every open connection. */
  stop(closeActiveConnections?: boolean): Promise<void>;
}

/** `Bun.serve`'s TLS settings (PEM contents). */
export interface BunTlsOptions {
  readonly cert: string;
  readonly key: string;
  readonly ca?: string;
  readonly passphrase?: string;
}

export interface BunServeOptions<Data> {
  readonly port: number;
  readonly hostname: string;
  /** HTTPS and WSS. */
  readonly tls?: BunTlsOptions;
  /** SO_REUSEPORT: another server may bind the same port (a TLS reload binds a second one). */
  readonly reusePort?: boolean;
  /** Seconds an HTTP connection may stay idle (at most 255); 0 = never. */
  readonly idleTimeout?: number;
  readonly maxRequestBodySize?: number;
  fetch(
    request: Request,
    server: BunServer<Data>,
  ): Response | undefined | Promise<Response | undefined>;
  error?(error: Error): Response;
  readonly websocket: BunWebSocketHandlers<Data>;
}

export interface BunRuntime {
  readonly version: string;
  serve<Data>(options: BunServeOptions<Data>): BunServer<Data>;
}

/** Bun's global object when running under Bun, else undefined. */
export function bunRuntime(): BunRuntime | undefined {
  return (globalThis as { readonly Bun?: BunRuntime }).Bun;
}
