/**
 * @module transport/node-transport
 * The Node transport: HTTP/1.1 over `node:net` / `node:tls` sockets (obtained through the
 * runtime seam) with its own keep-alive pool. It is several times faster than `node:http` for
 * the SDK's small request/response exchanges (see bench/sdk-trigger.mjs): one socket write per
 * request, a minimal incremental parser, header lines serialized once per header object.
 *
 * - Connections are reused (LIFO); idle ones are unref'd (they never keep a process alive) and
 *   closed after IDLE_SOCKET_TIMEOUT_MS (below the 5 s keep-alive timeout of Node servers), or
 *   earlier when the server's `Keep-Alive: timeout=N` header asks for it.
 * - The timeout covers the whole exchange: queueing, connect, TLS, send, headers and body.
 * - A failure before the socket connected is reported as `connectPhase` (nothing was sent).
 * - A kept-alive connection the server closes while idle leaves the pool when its FIN or reset
 *   is seen. A request that then finds it closed is sent again on a new connection only when
 *   that is safe: see `mayResend` (a GET always; a POST only if its write failed).
 * - Responses are bounded (head 64 KiB, body `maxResponseBodyBytes`, in bytes); socket data is
 *   read as bytes and the body collected in one buffer whatever the chunking; see http1-parser.
 * - `httpProxy`: absolute-form requests for http targets, a CONNECT tunnel for https ones.
 */
import { utf8ByteLength } from '../limits';
import type { NodeNetModules, NodeSocket } from '../runtime/node-net';
import { BodyTooLargeError, type ParsedResponse, ResponseParser } from './http1-parser';
import { type ProxyConfig, requestTunnel } from './proxy';
import {
  type ClosableTransport,
  CONNECT_PHASE_ERROR_CODES,
  DEFAULT_MAX_RESPONSE_BODY_BYTES,
  type Endpoint,
  responseTooLarge,
  TransportFailure,
  type TransportRequest,
  type TransportResponse,
} from './types';

/**
 * Idle kept-alive sockets are closed after this long: below the 5 s keep-alive timeout of Node
 * servers (and most proxies), so a request is not written to a socket the server is closing.
 */
export const IDLE_SOCKET_TIMEOUT_MS = 4_000;
/** Most sockets open at once per client; further requests wait for a free one. */
export const MAX_SOCKETS = 256;

export interface NodeTransportOptions {
  readonly endpoint: Endpoint;
  readonly modules: NodeNetModules;
  readonly proxy?: ProxyConfig | undefined;
  /** PEM CA certificate(s) to trust instead of the defaults (private CAs). */
  readonly ca?: string | undefined;
  /** Largest response body accepted, in bytes. @default DEFAULT_MAX_RESPONSE_BODY_BYTES */
  readonly maxResponseBodyBytes?: number | undefined;
}

/** The Node transport, with a view of its pool for diagnostics and tests. */
export interface NodeTransport extends ClosableTransport {
  /** Connections open (idle or busy) and idle right now. */
  connections(): { readonly open: number; readonly idle: number };
}

/** True for IPv4 and IPv6 literals (TLS SNI must not carry an IP address, RFC 6066). */
export function isIpAddress(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** Header lines (`name: value\r\n` each); names or values with CR, LF or NUL are refused. */
export function headerText(headers: Readonly<Record<string, string>>): string {
  let text = '';
  for (const name in headers) {
    const value = headers[name] as string;
    if (HEADER_INJECTION.test(name) || HEADER_INJECTION.test(value)) {
      throw new TypeError(`invalid characters in the ${JSON.stringify(name)} header`);
    }
    text += `${name}: ${value}\r\n`;
  }
  return text;
}

const HEADER_INJECTION = /[\r\n\0]/;

interface Pending {
  readonly request: TransportRequest;
  /** The serialized request (head and body). */
  readonly serialized: string;
  readonly resolve: (response: TransportResponse) => void;
  readonly reject: (failure: TransportFailure) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  connection: Connection | undefined;
  done: boolean;
  /** Already re-sent once after a kept-alive connection turned out to be closed. */
  resent: boolean;
}

interface Connection {
  readonly socket: NodeSocket;
  readonly parser: ResponseParser;
  connected: boolean;
  closed: boolean;
  busy: Pending | undefined;
  /** Responses completed on this connection (> 0: the current request reuses it). */
  served: number;
  /** The socket reported an error for the current request's write: it was not sent whole. */
  writeFailed: boolean;
  /** The current request's bytes are not all handed to the socket yet. */
  writing: boolean;
  /** The write callback (one per connection, so a request allocates none). */
  readonly onWritten: (error?: Error | null) => void;
  idleSince: number;
  /** How long this connection may stay idle (the server's Keep-Alive hint can shorten it). */
  maxIdleMs: number;
}

const KEEP_ALIVE_TIMEOUT_PATTERN = /timeout=(\d+)/i;
/** Margin kept below a server's advertised keep-alive timeout. */
const KEEP_ALIVE_MARGIN_MS = 1_000;

/** Idle lifetime allowed by a `Keep-Alive: timeout=N` response header (seconds). */
export function idleLifetimeMs(keepAliveHeader: string | undefined): number {
  const seconds =
    keepAliveHeader === undefined
      ? undefined
      : KEEP_ALIVE_TIMEOUT_PATTERN.exec(keepAliveHeader)?.[1];
  if (seconds === undefined) return IDLE_SOCKET_TIMEOUT_MS;
  return Math.min(IDLE_SOCKET_TIMEOUT_MS, Number(seconds) * 1000 - KEEP_ALIVE_MARGIN_MS);
}

/** A keep-alive HTTP/1.1 transport to `endpoint` over node:net / node:tls. */
export function createNodeTransport(options: NodeTransportOptions): NodeTransport {
  const { endpoint, modules, proxy, ca } = options;
  const maxBodyBytes = options.maxResponseBodyBytes ?? DEFAULT_MAX_RESPONSE_BODY_BYTES;
  const isHttps = endpoint.scheme === 'https';
  const defaultPort = isHttps ? 443 : 80;
  const hostForHeader = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  const authority =
    endpoint.port === defaultPort ? hostForHeader : `${hostForHeader}:${endpoint.port}`;
  const servername = isIpAddress(endpoint.host) ? undefined : endpoint.host;
  // Plain HTTP through a proxy: absolute-form request target, credentials on every request.
  const absolutePrefix = proxy && !isHttps ? `http://${authority}` : '';
  const proxyAuthLine =
    proxy && !isHttps && proxy.authorization
      ? `Proxy-Authorization: ${proxy.authorization}\r\n`
      : '';
  const hostLine = `Host: ${authority}\r\n`;

  const idle: Connection[] = [];
  const queue: Pending[] = [];
  let openCount = 0;

  // The client passes the same frozen header objects on every request: their text is cached.
  let lastHeaders: TransportRequest['headers'] | undefined;
  let lastHeaderText = '';

  function serialize(request: TransportRequest): string {
    const headers = request.headers;
    if (headers !== lastHeaders) {
      lastHeaderText = headerText(headers);
      lastHeaders = headers;
    }
    const head = `${request.method} ${absolutePrefix}${request.pathAndQuery} HTTP/1.1\r\n${hostLine}${proxyAuthLine}${lastHeaderText}`;
    const body = request.body;
    if (body === undefined) return `${head}\r\n`;
    return `${head}content-length: ${utf8ByteLength(body)}\r\n\r\n${body}`;
  }

  function settle(pending: Pending): boolean {
    if (pending.done) return false;
    pending.done = true;
    clearTimeout(pending.timer);
    return true;
  }

  function fail(pending: Pending, failure: TransportFailure): void {
    if (settle(pending)) pending.reject(failure);
  }

  function destroy(connection: Connection): void {
    if (connection.closed) return;
    connection.closed = true;
    openCount--;
    const index = idle.indexOf(connection);
    if (index >= 0) idle.splice(index, 1);
    connection.socket.destroy();
    const next = queue.shift();
    if (next) dispatch(next);
  }

  function onComplete(connection: Connection, response: ParsedResponse): void {
    const pending = connection.busy;
    connection.busy = undefined;
    connection.served++;
    if (pending && settle(pending)) {
      pending.resolve({ status: response.status, headers: response.headers, body: response.body });
    }
    connection.maxIdleMs = idleLifetimeMs(response.headers['keep-alive']);
    // An early answer while the request body is still being written: the rest of the body would
    // reach the server ahead of the next request, so the connection is not reused.
    if (
      !response.keepAlive ||
      connection.closed ||
      connection.writing ||
      connection.maxIdleMs <= 0
    ) {
      destroy(connection);
      return;
    }
    const next = queue.shift();
    if (next) {
      assign(connection, next);
      return;
    }
    connection.idleSince = Date.now();
    connection.socket.setTimeout(connection.maxIdleMs);
    connection.socket.unref();
    idle.push(connection);
  }

  function onSocketGone(
    connection: Connection,
    error: (Error & { code?: string }) | undefined,
  ): void {
    const pending = connection.busy;
    connection.busy = undefined;
    if (pending && !pending.done) {
      const finished = error === undefined ? connection.parser.finish() : undefined;
      if (finished && settle(pending)) {
        pending.resolve({
          status: finished.status,
          headers: finished.headers,
          body: finished.body,
        });
      } else if (mayResend(connection, pending)) {
        // A kept-alive connection the server had closed: send again on a new one (see mayResend).
        pending.resent = true;
        pending.connection = undefined;
        destroy(connection);
        dispatch(pending, true);
        return;
      } else {
        const code = error?.code;
        const connectPhase =
          !connection.connected || (code !== undefined && CONNECT_PHASE_ERROR_CODES.has(code));
        const message = code
          ? `request failed (${code})`
          : connection.parser.started
            ? 'the connection closed while reading the response'
            : 'the connection closed before a response';
        fail(
          pending,
          new TransportFailure(message, { code, connectPhase, timedOut: false, cause: error }),
        );
      }
    }
    destroy(connection);
  }

  /**
   * Whether a request that failed on a reused keep-alive connection, before any byte of the
   * response arrived, is sent again (once, on a new connection). The server may close an idle
   * connection just as a request is written to it; then nothing answers. A GET is always sent
   * again (idempotent). A POST only when it provably never reached the server whole: its write
   * failed (EPIPE, ECONNRESET: the socket did not take all its bytes, so the server cannot have
   * a complete request). A POST that was written whole may have been processed (the server could
   * have closed after reading it), so it fails instead: Pusher has no idempotency key and a second
   * send could publish the event twice. A connection seen closed while idle is never used at all.
   */
  function mayResend(connection: Connection, pending: Pending): boolean {
    if (pending.resent || connection.served === 0 || connection.parser.started) return false;
    return pending.request.method === 'GET' || connection.writeFailed;
  }

  function open(): Connection {
    openCount++;
    let socket: NodeSocket;
    let readyEvent: 'connect' | 'secureConnect';
    if (proxy && isHttps) {
      const raw = modules.net.connect({ host: proxy.host, port: proxy.port, noDelay: true });
      const connection = newConnection(raw);
      const target = `${hostForHeader}:${endpoint.port}`;
      const tunnelFailed = (error?: Error): void => {
        if (connection.socket === raw) onSocketGone(connection, error);
      };
      raw.on('error', tunnelFailed);
      raw.on('close', () => tunnelFailed());
      requestTunnel(
        raw,
        proxy,
        target,
        () => {
          (connection as { socket: NodeSocket }).socket = modules.tls.connect({
            socket: raw,
            ALPNProtocols: ['http/1.1'],
            ...(servername === undefined ? {} : { servername }),
            ...(ca === undefined ? {} : { ca }),
          });
          wire(connection, 'secureConnect');
        },
        tunnelFailed,
      );
      return connection;
    }
    if (isHttps) {
      socket = modules.tls.connect({
        host: endpoint.host,
        port: endpoint.port,
        ALPNProtocols: ['http/1.1'],
        ...(servername === undefined ? {} : { servername }),
        ...(ca === undefined ? {} : { ca }),
      });
      readyEvent = 'secureConnect';
    } else {
      socket = modules.net.connect({
        host: proxy ? proxy.host : endpoint.host,
        port: proxy ? proxy.port : endpoint.port,
        noDelay: true,
      });
      readyEvent = 'connect';
    }
    const connection = newConnection(socket);
    wire(connection, readyEvent);
    return connection;
  }

  function newConnection(socket: NodeSocket): Connection {
    const connection: Connection = {
      socket,
      parser: new ResponseParser({ maxBodyBytes }),
      connected: false,
      closed: false,
      busy: undefined,
      served: 0,
      writeFailed: false,
      writing: false,
      onWritten: (error) => {
        connection.writing = false;
        if (error) connection.writeFailed = true;
      },
      idleSince: 0,
      maxIdleMs: IDLE_SOCKET_TIMEOUT_MS,
    };
    return connection;
  }

  function wire(connection: Connection, readyEvent: 'connect' | 'secureConnect'): void {
    const socket = connection.socket;
    // No setEncoding: data arrives as bytes (Buffers), which the parser collects without strings.
    socket.setNoDelay(true);
    socket.once(readyEvent, () => {
      connection.connected = true;
      const pending = connection.busy;
      if (pending && !pending.done) {
        connection.writing = true;
        socket.write(pending.serialized, 'utf8', connection.onWritten);
      }
    });
    socket.on('data', (chunk) => {
      if (connection.busy === undefined) {
        // Unsolicited bytes on an idle connection: it cannot be trusted.
        destroy(connection);
        return;
      }
      let response: ParsedResponse | undefined;
      try {
        response = connection.parser.feed(chunk);
      } catch (error) {
        const pending = connection.busy;
        connection.busy = undefined;
        if (pending) {
          fail(
            pending,
            error instanceof BodyTooLargeError
              ? responseTooLarge(error.limitBytes, error)
              : new TransportFailure(`invalid HTTP response (${(error as Error).message})`, {
                  code: 'ERR_HTTP_PARSE',
                  connectPhase: false,
                  timedOut: false,
                  cause: error,
                }),
          );
        }
        destroy(connection);
        return;
      }
      if (response) onComplete(connection, response);
    });
    socket.on('timeout', () => {
      if (connection.busy === undefined) destroy(connection);
    });
    socket.on('error', (error) => onSocketGone(connection, error));
    // The server's FIN: an idle connection leaves the pool at once, a busy one ends its response.
    socket.on('end', () => onSocketGone(connection, undefined));
    socket.on('close', () => onSocketGone(connection, undefined));
  }

  function assign(connection: Connection, pending: Pending): void {
    connection.busy = pending;
    pending.connection = connection;
    connection.parser.reset();
    connection.writeFailed = false;
    if (connection.connected) {
      connection.socket.ref();
      connection.socket.setTimeout(0);
      connection.writing = true;
      connection.socket.write(pending.serialized, 'utf8', connection.onWritten);
    }
  }

  function takeIdle(): Connection | undefined {
    const now = Date.now();
    for (;;) {
      const connection = idle.pop();
      if (!connection) return undefined;
      if (
        !connection.closed &&
        !connection.socket.destroyed &&
        now - connection.idleSince < connection.maxIdleMs
      )
        return connection;
      destroy(connection);
    }
  }

  /** Sends `pending` on an idle connection, a new one (always when `fresh`), or queues it. */
  function dispatch(pending: Pending, fresh = false): void {
    if (pending.done) return;
    const reused = fresh ? undefined : takeIdle();
    if (reused) assign(reused, pending);
    else if (openCount < MAX_SOCKETS) {
      let connection: Connection;
      try {
        connection = open();
      } catch (error) {
        // e.g. an invalid `ca`: node:tls throws before any socket exists.
        openCount--;
        const code = (error as { code?: unknown }).code;
        fail(
          pending,
          new TransportFailure('could not open a connection', {
            code: typeof code === 'string' ? code : undefined,
            connectPhase: true,
            timedOut: false,
            cause: error,
          }),
        );
        return;
      }
      assign(connection, pending);
    } else if (fresh) queue.unshift(pending);
    else queue.push(pending);
  }

  function onTimeout(pending: Pending): void {
    const connection = pending.connection;
    const connectPhase = connection === undefined || !connection.connected;
    fail(
      pending,
      new TransportFailure(`no complete response within ${pending.request.timeoutMs} ms`, {
        connectPhase,
        timedOut: true,
      }),
    );
    const queued = queue.indexOf(pending);
    if (queued >= 0) queue.splice(queued, 1);
    if (connection && connection.busy === pending) {
      connection.busy = undefined;
      destroy(connection);
    }
  }

  const send = (request: TransportRequest): Promise<TransportResponse> =>
    new Promise<TransportResponse>((resolve, reject) => {
      const pending: Pending = {
        request,
        serialized: serialize(request),
        resolve,
        reject,
        timer: undefined,
        connection: undefined,
        done: false,
        resent: false,
      };
      pending.timer = setTimeout(onTimeout, request.timeoutMs, pending);
      dispatch(pending);
    });

  return {
    kind: 'node',
    send,
    close: () => {
      for (const connection of [...idle]) destroy(connection);
    },
    connections: () => ({ open: openCount, idle: idle.length }),
  };
}
