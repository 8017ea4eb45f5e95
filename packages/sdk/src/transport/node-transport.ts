/**
 * @module transport/node-transport
 * The Node transport: HTTP/1.1 over `node:net` / `node:tls` sockets (obtained through the
 * runtime seam) with its own keep-alive pool. It is several times faster than `node:http` for
 * the SDK's small request/response exchanges (see bench/sdk-trigger.mjs): one socket write per
 * request, a minimal incremental parser, no per-request objects beyond the pending request.
 *
 * - Connections are reused (LIFO); idle ones are unref'd (they never keep a process alive) and
 *   closed after IDLE_SOCKET_TIMEOUT_MS (below the 5 s keep-alive timeout of Node servers), or
 *   earlier when the server's `Keep-Alive: timeout=N` header asks for it.
 * - The timeout covers the whole exchange: queueing, connect, TLS, send, headers and body.
 * - A failure before the socket connected is reported as `connectPhase` (nothing was sent).
 * - `httpProxy`: absolute-form requests for http targets, a CONNECT tunnel for https ones.
 */
import { utf8ByteLength } from '../limits';
import type { NodeNetModules, NodeSocket } from '../runtime/node-net';
import { type HttpParseError, type ParsedResponse, ResponseParser } from './http1-parser';
import { type ProxyConfig, requestTunnel } from './proxy';
import {
  type ClosableTransport,
  CONNECT_PHASE_ERROR_CODES,
  type Endpoint,
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
}

/** True for IPv4 and IPv6 literals (TLS SNI must not carry an IP address, RFC 6066). */
export function isIpAddress(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

interface Pending {
  readonly request: TransportRequest;
  readonly resolve: (response: TransportResponse) => void;
  readonly reject: (failure: TransportFailure) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  connection: Connection | undefined;
  done: boolean;
}

interface Connection {
  readonly socket: NodeSocket;
  readonly parser: ResponseParser;
  connected: boolean;
  closed: boolean;
  busy: Pending | undefined;
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
export function createNodeTransport(options: NodeTransportOptions): ClosableTransport {
  const { endpoint, modules, proxy, ca } = options;
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

  function serialize(request: TransportRequest): string {
    let head = `${request.method} ${absolutePrefix}${request.pathAndQuery} HTTP/1.1\r\n${hostLine}${proxyAuthLine}`;
    const headers = request.headers;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
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
    if (pending && settle(pending)) {
      pending.resolve({ status: response.status, headers: response.headers, body: response.body });
    }
    connection.maxIdleMs = idleLifetimeMs(response.headers['keep-alive']);
    if (!response.keepAlive || connection.closed || connection.maxIdleMs <= 0) {
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
    return {
      socket,
      parser: new ResponseParser(),
      connected: false,
      closed: false,
      busy: undefined,
      idleSince: 0,
      maxIdleMs: IDLE_SOCKET_TIMEOUT_MS,
    };
  }

  function wire(connection: Connection, readyEvent: 'connect' | 'secureConnect'): void {
    const socket = connection.socket;
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.once(readyEvent, () => {
      connection.connected = true;
      const pending = connection.busy;
      if (pending && !pending.done) socket.write(serialize(pending.request), 'utf8');
    });
    socket.on('data', (chunk: string) => {
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
            new TransportFailure(`invalid HTTP response (${(error as HttpParseError).message})`, {
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
    socket.on('close', () => onSocketGone(connection, undefined));
  }

  function assign(connection: Connection, pending: Pending): void {
    connection.busy = pending;
    pending.connection = connection;
    connection.parser.reset();
    if (connection.connected) {
      connection.socket.ref();
      connection.socket.setTimeout(0);
      connection.socket.write(serialize(pending.request), 'utf8');
    }
  }

  function takeIdle(): Connection | undefined {
    const now = Date.now();
    for (;;) {
      const connection = idle.pop();
      if (!connection) return undefined;
      if (!connection.closed && now - connection.idleSince < connection.maxIdleMs)
        return connection;
      destroy(connection);
    }
  }

  function dispatch(pending: Pending): void {
    if (pending.done) return;
    const reused = takeIdle();
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
    } else queue.push(pending);
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
        resolve,
        reject,
        timer: undefined,
        connection: undefined,
        done: false,
      };
      pending.timer = setTimeout(onTimeout, request.timeoutMs, pending);
      dispatch(pending);
    });

  return {
    send,
    close: () => {
      for (const connection of [...idle]) destroy(connection);
    },
  };
}
