/**
 * @module transports/bun/bun-binding
 * The server on `Bun.serve` (Bun's native WebSockets, uWebSockets inside): WebSocket upgrades
 * and the REST API, `/health`, `/ready`, `/metrics` on one port through its fetch handler. Bun has
 * no hook for an accepted TCP socket, so `maxConnectionsPerIp` counts each peer's WebSockets (from
 * the upgrade to the close) and HTTP requests in flight; an upgrade over the limit gets HTTP 503.
 * Idle HTTP connections are closed after `requestTimeoutMs` (Bun's `idleTimeout`, in whole
 * seconds, at most 255); a streamed answer (the console's live log) is exempt. Fan-out sends to each socket (no topic publish: see the README on why).
 *
 * TLS: `server.reload()` of Bun does not change the certificate, so `reloadTls()` binds a second
 * Bun.serve with the new certificate on the same port (SO_REUSEPORT, set on every TLS listener)
 * and stops the old one from accepting; its open connections go on until they close.
 */

import type { ResolvedServerOptions } from '../../options';
import { UNKNOWN_APP_MAX_FRAME_BYTES } from '../../ws/gateway';
import { readHandshake } from '../../ws/handshake';
import type { BoundAddress, ServerTransport, TransportHooks } from '../server-transport';
import type { TlsMaterial } from '../tls-material';
import type { BunRuntime, BunServeOptions, BunServer, BunServerWebSocket } from './bun-api';
import { BunClientSocket } from './bun-client-socket';
import { answerFetch } from './bun-http';

/** Bun's largest HTTP idle timeout, in seconds. */
const MAX_IDLE_TIMEOUT_SEC = 255;
/** Queued bytes past which Bun itself would drop frames: far above `maxBufferedBytes`. */
const MIN_BACKPRESSURE_LIMIT = 64 * 1024 * 1024;
const MS_PER_SECOND = 1000;

type Socket = BunServerWebSocket<BunClientSocket>;

export class BunBinding implements ServerTransport {
  readonly #hooks: TransportHooks;
  readonly #bun: BunRuntime;
  readonly #serveOptions: BunServeOptions<BunClientSocket>;
  /** The listener accepting connections. */
  #server: BunServer<BunClientSocket>;
  /** Listeners replaced by a TLS reload: no longer accepting, serving their open connections. */
  readonly #retired = new Set<BunServer<BunClientSocket>>();

  constructor(bun: BunRuntime, hooks: TransportHooks, tls?: TlsMaterial) {
    this.#hooks = hooks;
    this.#bun = bun;
    const { options, gateway } = hooks;
    const openSocket = gateway.open.bind(gateway);
    this.#serveOptions = {
      port: options.port,
      hostname: options.host,
      ...(tls === undefined ? {} : { tls, reusePort: true }),
      idleTimeout: Math.min(
        MAX_IDLE_TIMEOUT_SEC,
        Math.max(1, Math.ceil(options.requestTimeoutMs / MS_PER_SECOND)),
      ),
      fetch: (request, server) => this.#fetch(request, server),
      websocket: {
        maxPayloadLength: largestFrameLimit(options),
        backpressureLimit: Math.max(MIN_BACKPRESSURE_LIMIT, 4 * options.maxBufferedBytes),
        closeOnBackpressureLimit: false,
        // Liveness is the protocol's own (pusher:ping / 4201), as on Node.
        idleTimeout: 0,
        sendPings: false,
        perMessageDeflate: false,
        open: (ws: Socket) => ws.data.opened(ws, openSocket),
        message: (ws: Socket, message) => ws.data.message(message),
        pong: (ws: Socket) => ws.data.pong(),
        drain: (ws: Socket) => ws.data.drained(),
        close: (ws: Socket, code, reason) => ws.data.closed(code, reason),
      },
    };
    this.#server = bun.serve<BunClientSocket>(this.#serveOptions);
  }

  get address(): BoundAddress {
    const host = this.#server.hostname;
    return { host, port: this.#server.port, ipv6: host.includes(':') };
  }

  reloadTls(material: TlsMaterial): void {
    if (this.#serveOptions.tls === undefined) {
      throw new Error('TLS reload needs a server started by listen() with the tls option');
    }
    const old = this.#server;
    this.#server = this.#bun.serve<BunClientSocket>({
      ...this.#serveOptions,
      port: old.port,
      tls: material,
    });
    this.#retired.add(old);
    // Resolves once the old listener's last connection closed.
    const release = () => void this.#retired.delete(old);
    old.stop(false).then(release, release);
  }

  stopAccepting(): Promise<void> {
    const stopped = [this.#server, ...this.#retired].map((server) => server.stop(false));
    return Promise.all(stopped).then(() => undefined);
  }

  closeConnections(): void {
    for (const server of [this.#server, ...this.#retired]) void server.stop(true);
  }

  terminateSockets(): void {
    // Sockets still open are cut by closeConnections() with the HTTP connections.
  }

  detach(): void {
    // Bun.serve has no listeners to remove; stop() released the port.
  }

  #fetch(
    request: Request,
    server: BunServer<BunClientSocket>,
  ): Response | Promise<Response> | undefined {
    const hooks = this.#hooks;
    const remoteAddress = server.requestIP(request)?.address;
    const url = requestTarget(request.url);
    const peer = hooks.limiter.admitPeer(remoteAddress);
    if (!peer.ok) {
      hooks.metrics.inc('pushwire_errors_total', { kind: 'ip_limit', app_id: '' });
      return new Response(null, { status: 503, headers: { connection: 'close' } });
    }
    if (request.headers.get('upgrade')?.toLowerCase() === 'websocket') {
      const headers = request.headers;
      const handshake = readHandshake(
        url,
        headers.get('origin') ?? undefined,
        hooks.options.pathPrefix,
      );
      if (handshake === undefined) {
        peer.release();
        return jsonResponse(404, 'WebSocket path must be /app/{key}');
      }
      const socket = new BunClientSocket(
        {
          ...handshake,
          remoteAddress,
          forwardedFor: headers.get('x-forwarded-for') ?? undefined,
        },
        hooks.gateway.maxFrameBytesFor(handshake.key),
        peer.release,
      );
      if (server.upgrade(request, { data: socket })) return undefined;
      peer.release();
      return jsonResponse(400, 'WebSocket upgrade failed');
    }
    // A stream (the console's live log) has its own heartbeats and backpressure: Bun's idle
    // timeout, meant for requests that stall, would cut it between two quiet heartbeats.
    const answered = answerFetch(hooks.http, request, url, () => server.timeout(request, 0));
    void answered.finally(peer.release);
    return answered;
  }
}

/** The path and query of an absolute request URL. */
function requestTarget(absolute: string): string {
  const schemeEnd = absolute.indexOf('://');
  const pathStart = absolute.indexOf('/', schemeEnd === -1 ? 0 : schemeEnd + 3);
  return pathStart === -1 ? '/' : absolute.slice(pathStart);
}

function jsonResponse(status: number, error: string): Response {
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { 'content-type': 'application/json', connection: 'close' },
  });
}

/** Bun's payload cap is one value for the server: the largest any app allows. */
function largestFrameLimit(options: ResolvedServerOptions): number {
  let largest = UNKNOWN_APP_MAX_FRAME_BYTES;
  for (const app of options.apps) largest = Math.max(largest, app.limits.maxFrameBytes);
  return largest;
}
