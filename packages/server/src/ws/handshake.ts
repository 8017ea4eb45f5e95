/**
 * @module ws/handshake
 * Reads what a WebSocket upgrade asks for: the app key from `[pathPrefix]/app/{key}` (the prefix
 * is optional, as for REST), the `protocol` query parameter, and whether the `Origin` is allowed by
 * the app. Checks that need a Pusher close code happen after the upgrade; a path that is not
 * `/app/{key}` gets a plain HTTP 404 before it.
 * @see https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/#websocket-connection
 */

import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export { isOriginAllowed } from './origin-match';

/** Lowest protocol version served (pusher-js speaks 7; versions 5 and 6 differ only in details). */
export const MIN_PROTOCOL_VERSION = 5;

export interface HandshakeRequest {
  readonly key: string;
  /** The `protocol` query parameter, undefined when absent (accepted). */
  readonly protocol: string | undefined;
  readonly origin: string | undefined;
}

const APP_PATH = /^\/app\/([^/]+)\/?$/;

/** The request's app key and parameters, or undefined when the path is not an app path. */
export function readHandshake(
  request: IncomingMessage,
  pathPrefix: string,
): HandshakeRequest | undefined {
  let url: URL;
  try {
    url = new URL(request.url ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
  let path = url.pathname;
  if (pathPrefix !== '' && (path === pathPrefix || path.startsWith(`${pathPrefix}/`))) {
    path = path.slice(pathPrefix.length);
  }
  const match = APP_PATH.exec(path);
  if (!match?.[1]) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  return {
    key,
    protocol: url.searchParams.get('protocol') ?? undefined,
    origin: request.headers.origin,
  };
}

/** True when the `protocol` parameter is absent or a version this server speaks. */
export function isSupportedProtocol(protocol: string | undefined): boolean {
  if (protocol === undefined) return true;
  if (!/^\d+$/.test(protocol)) return false;
  return Number(protocol) >= MIN_PROTOCOL_VERSION;
}

/** Answers an upgrade that cannot be served with a plain HTTP response and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ error: reason });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
