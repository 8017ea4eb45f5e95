/**
 * @module ws/handshake
 * Reads what a WebSocket upgrade asks for: the app key from `[pathPrefix]/app/{key}` (the prefix
 * is optional, as for REST), the `protocol` query parameter, and whether the `Origin` is allowed by
 * the app. Checks that need a Pusher close code happen after the upgrade; a path that is not
 * `/app/{key}` gets a plain HTTP 404 before it (the transport answers it).
 * @see https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/#websocket-connection
 */

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

/**
 * The app key and parameters of an upgrade to `requestUrl` (the request target, path and query,
 * or an absolute URL) with its `Origin` header, or undefined when the path is not an app path.
 */
export function readHandshake(
  requestUrl: string,
  origin: string | undefined,
  pathPrefix: string,
): HandshakeRequest | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl, 'http://localhost');
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
    origin,
  };
}

/** True when the `protocol` parameter is absent or a version this server speaks. */
export function isSupportedProtocol(protocol: string | undefined): boolean {
  if (protocol === undefined) return true;
  if (!/^\d+$/.test(protocol)) return false;
  return Number(protocol) >= MIN_PROTOCOL_VERSION;
}
