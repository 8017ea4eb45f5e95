/**
 * @module transport/proxy
 * HTTP proxy support for the Node transport: `http://` targets are sent to the proxy in absolute
 * form; `https://` targets go through a `CONNECT` tunnel, with TLS to the target inside it
 * (tunnels are kept alive like any other connection).
 */
import { bytesToBase64, utf8Encode } from '../crypto/encoding';
import { ConfigurationError } from '../errors';
import type { NodeSocket } from '../runtime/node-net';

/** A parsed `httpProxy` option. */
export interface ProxyConfig {
  readonly host: string;
  readonly port: number;
  /** `Proxy-Authorization` value when the URL has credentials. */
  readonly authorization: string | undefined;
}

const DEFAULT_PROXY_PORT = 80;
const MAX_CONNECT_HEAD_CHARS = 16 * 1024;

/** Parses `http://[user:pass@]host[:port]`; a ConfigurationError names `httpProxy` otherwise. */
export function parseProxyUrl(value: unknown): ProxyConfig {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigurationError('httpProxy', 'httpProxy must be a URL such as http://proxy:3128');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(
      'httpProxy',
      'httpProxy is not a valid URL (expected http://host:port)',
    );
  }
  if (url.protocol !== 'http:') {
    throw new ConfigurationError(
      'httpProxy',
      `httpProxy must use http:// (got ${url.protocol}); https targets are tunnelled with CONNECT`,
    );
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const user = decodeURIComponent(url.username);
  const authorization =
    url.username || url.password
      ? `Basic ${bytesToBase64(utf8Encode(`${user}:${decodeURIComponent(url.password)}`))}`
      : undefined;
  return { host, port: url.port ? Number(url.port) : DEFAULT_PROXY_PORT, authorization };
}

/** Thrown into the request when the proxy refuses the tunnel. */
export class ProxyConnectError extends Error {
  override readonly name = 'ProxyConnectError';
  readonly code = 'ERR_PROXY_CONNECT';
  readonly statusCode: number;
  constructor(statusCode: number) {
    super(`the proxy answered CONNECT with ${statusCode}`);
    this.statusCode = statusCode;
  }
}

/**
 * Opens a CONNECT tunnel through `proxy` to `target` (`host:port`) on `socket` (already
 * connecting to the proxy). Calls `onOpen` once the proxy answered 200, `onError` otherwise.
 */
export function requestTunnel(
  socket: NodeSocket,
  proxy: ProxyConfig,
  target: string,
  onOpen: () => void,
  onError: (error: Error) => void,
): void {
  let head = '';
  const onData = (chunk: Uint8Array | string): void => {
    head += chunk as string; // a string: setEncoding('latin1') below
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (head.length > MAX_CONNECT_HEAD_CHARS) onError(new ProxyConnectError(0));
      return;
    }
    socket.removeAllListeners('data');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
    if (status !== 200 || end + 4 !== head.length) onError(new ProxyConnectError(status));
    else onOpen();
  };
  socket.setEncoding('latin1');
  socket.on('data', onData);
  socket.once('connect', () => {
    const auth = proxy.authorization ? `Proxy-Authorization: ${proxy.authorization}\r\n` : '';
    socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`, 'latin1');
  });
}
