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
  const keys = Object.keys(params);
  if (keys.length === 0) return '';
  const pairs: [string, string][] = [];
  for (const key of keys) {
    const lower = key.toLowerCase();
    if (lower === 'auth_signature') continue;
    pairs.push([lower, params[key] as string]);
  }
  if (pairs.length > 1) pairs.sort(compareFirst);
  let out = '';
  for (let i = 0; i < pairs.length; i++) {
    const [key, value] = pairs[i] as [string, string];
    out += i === 0 ? `${key}=${value}` : `&${key}=${value}`;
  }
  return out;
}

/** Orders pairs by key, by UTF-16 code unit (what `<` does on strings). */
function compareFirst(a: readonly [string, string], b: readonly [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** True when `params` is missing or has no own enumerable key. */
function isEmpty(params: Readonly<Record<string, string>> | undefined): boolean {
  if (params === undefined) return true;
  for (const _ in params) return false;
  return true;
}

/**
 * The canonical query of a request without extra parameters: the auth keys are already lower
 * case and in code-point order (`auth_key` < `auth_timestamp` < `auth_version` < `body_md5`), so
 * nothing needs sorting.
 */
export function authOnlyCanonicalQuery(
  key: string,
  timestamp: string,
  bodyMd5: string | undefined,
): string {
  const base = `auth_key=${key}&auth_timestamp=${timestamp}&auth_version=${AUTH_VERSION}`;
  return bodyMd5 === undefined ? base : `${base}&body_md5=${bodyMd5}`;
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
  const timestamp = String(Math.floor(input.timestamp));
  const body = input.body;
  const bodyMd5 = body !== undefined && body.length > 0 ? md5Hex(body) : undefined;
  if (isEmpty(input.params)) {
    // Fast path (every trigger): the canonical query needs no sorting.
    const signature = hmacSha256Hex(
      input.secret,
      `${input.method.toUpperCase()}\n${input.path}\n${authOnlyCanonicalQuery(input.key, timestamp, bodyMd5)}`,
    );
    return bodyMd5 === undefined
      ? {
          auth_key: input.key,
          auth_timestamp: timestamp,
          auth_version: AUTH_VERSION,
          auth_signature: signature,
        }
      : {
          auth_key: input.key,
          auth_timestamp: timestamp,
          auth_version: AUTH_VERSION,
          body_md5: bodyMd5,
          auth_signature: signature,
        };
  }
  const query: Record<string, string> = {};
  const params = input.params as Readonly<Record<string, string>>;
  for (const key of Object.keys(params)) {
    if (RESERVED_QUERY_KEYS.has(key.toLowerCase())) {
      throw new ValidationError(
        `params.${key}`,
        `'${key}' is set by request signing and cannot be passed as a parameter`,
      );
    }
    query[key] = params[key] as string;
  }
  query['auth_key'] = input.key;
  query['auth_timestamp'] = timestamp;
  query['auth_version'] = AUTH_VERSION;
  if (bodyMd5 !== undefined) query['body_md5'] = bodyMd5;
  query['auth_signature'] = hmacSha256Hex(
    input.secret,
    stringToSign(input.method, input.path, query),
  );
  return query;
}
