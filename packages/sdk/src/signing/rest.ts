/**
 * @module signing/rest
 * Pusher REST API request signing, auth version 1.0: the single source of truth for the SDK (which
 * signs) and the server (which verifies).
 * @see https://pusher.com/docs/channels/library_auth_reference/rest-api/#generating-authentication-signatures
 */
import { hmacSha256Hex } from '../crypto/hmac';
import { md5Hex } from '../crypto/md5';
import { ValidationError } from '../errors';

/** Query parameters the signing step owns; callers cannot set them. */
export const RESERVED_QUERY_KEYS: ReadonlySet<string> = new Set([
  'auth_key',
  'auth_timestamp',
  'auth_version',
  'auth_signature',
  'body_md5',
]);

export const AUTH_VERSION = '1.0';

/**
 * The query string that is signed: every parameter except `auth_signature`, keys lower-cased,
 * sorted by code point, joined as `k=v` with `&`, values NOT escaped.
 */
export function canonicalQuery(params: Readonly<Record<string, string>>): string {
  const pairs: [string, string][] = [];
  for (const key of Object.keys(params)) {
    const lower = key.toLowerCase();
    if (lower === 'auth_signature') continue;
    pairs.push([lower, params[key] as string]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let out = '';
  for (const [key, value] of pairs) out += out ? `&${key}=${value}` : `${key}=${value}`;
  return out;
}

/** `METHOD\npath\ncanonical-query`: the exact string whose HMAC is `auth_signature`. */
export function stringToSign(
  method: string,
  path: string,
  params: Readonly<Record<string, string>>,
): string {
  return `${method.toUpperCase()}\n${path}\n${canonicalQuery(params)}`;
}

export interface SignRequestInput {
  readonly method: string;
  /** The request path including `/apps/{id}`, without host or query. */
  readonly path: string;
  readonly key: string;
  readonly secret: string;
  /** Unix time in seconds. */
  readonly timestamp: number;
  /** Extra query parameters (GET parameters). */
  readonly params?: Readonly<Record<string, string>>;
  /** The exact body bytes sent; `body_md5` is added when it is non-empty. */
  readonly body?: string | Uint8Array;
}

/**
 * Signs a request: returns `params` plus `auth_key`, `auth_timestamp`, `auth_version`, `body_md5`
 * (non-empty body only) and `auth_signature`. A reserved key in `params` is a ValidationError.
 */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const query: Record<string, string> = {};
  if (input.params) {
    for (const key of Object.keys(input.params)) {
      if (RESERVED_QUERY_KEYS.has(key.toLowerCase())) {
        throw new ValidationError(
          `params.${key}`,
          `'${key}' is set by request signing and cannot be passed as a parameter`,
        );
      }
      query[key] = input.params[key] as string;
    }
  }
  query['auth_key'] = input.key;
  query['auth_timestamp'] = String(Math.floor(input.timestamp));
  query['auth_version'] = AUTH_VERSION;
  if (input.body !== undefined && input.body.length > 0) query['body_md5'] = md5Hex(input.body);
  query['auth_signature'] = hmacSha256Hex(
    input.secret,
    stringToSign(input.method, input.path, query),
  );
  return query;
}
