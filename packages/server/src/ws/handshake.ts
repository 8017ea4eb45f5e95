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
  const target = requestTarget(requestUrl);
  const queryAt = target.indexOf('?');
  let path = queryAt === -1 ? target : target.slice(0, queryAt);
  if (pathPrefix !== '' && (path === pathPrefix || path.startsWith(`${pathPrefix}/`))) {
    path = path.slice(pathPrefix.length);
  }
  const match = APP_PATH.exec(path);
  if (!match?.[1]) return undefined;
  const key = decoded(match[1]);
  if (key === undefined) return undefined;
  const protocol = queryAt === -1 ? undefined : queryParameter(target, queryAt + 1, 'protocol');
  return { key, protocol, origin };
}

/**
 * The path and query of a request target, parsed by hand (a `URL` object per upgrade costs more
 * than the rest of the handshake): an absolute URL loses its scheme and authority, a fragment is
 * dropped.
 */
function requestTarget(requestUrl: string): string {
  let target = requestUrl;
  const hashAt = target.indexOf('#');
  if (hashAt !== -1) target = target.slice(0, hashAt);
  if (target.startsWith('/')) return target;
  const schemeEnd = target.indexOf('://');
  if (schemeEnd === -1) return `/${target}`;
  const pathAt = target.indexOf('/', schemeEnd + 3);
  const queryAt = target.indexOf('?', schemeEnd + 3);
  if (pathAt === -1 || (queryAt !== -1 && queryAt < pathAt)) {
    return queryAt === -1 ? '/' : `/${target.slice(queryAt)}`;
  }
  return target.slice(pathAt);
}

/** The first value of `name` in the query that starts at `from`, form-decoded; undefined if absent. */
function queryParameter(target: string, from: number, name: string): string | undefined {
  let at = from;
  while (at <= target.length) {
    let end = target.indexOf('&', at);
    if (end === -1) end = target.length;
    const equals = target.indexOf('=', at);
    const nameEnd = equals === -1 || equals > end ? end : equals;
    if (formDecoded(target.slice(at, nameEnd)) === name) {
      return nameEnd === end ? '' : formDecoded(target.slice(nameEnd + 1, end));
    }
    at = end + 1;
  }
  return undefined;
}

/** A query name or value decoded as forms are (`+` is a space); kept as sent when not decodable. */
function formDecoded(text: string): string {
  const spaced = text.replaceAll('+', ' ');
  return decoded(spaced) ?? spaced;
}

/** `text` percent-decoded, or undefined when it is not valid percent-encoded UTF-8. */
function decoded(text: string): string | undefined {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** True when the `protocol` parameter is absent or a version this server speaks. */
export function isSupportedProtocol(protocol: string | undefined): boolean {
  if (protocol === undefined) return true;
  if (!/^\d+$/.test(protocol)) return false;
  return Number(protocol) >= MIN_PROTOCOL_VERSION;
}
