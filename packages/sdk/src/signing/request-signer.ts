/**
 * @module signing/request-signer
 * A REST request signer bound to one app's key and secret: what the client uses on every
 * request. Everything that does not change per request (the encoded `auth_key` pair) is computed
 * once; a request without extra parameters (every trigger) needs no sorting and no intermediate
 * parameter object. Produces exactly the query string of `signRequest` + percent-encoding.
 */
import { utf8Encode } from '../crypto/encoding';
import { hmacSha256Hex } from '../crypto/hmac';
import { md5Hex } from '../crypto/md5';
import { AUTH_VERSION, authOnlyCanonicalQuery, signRequest } from './rest';

export interface SignedQueryInput {
  readonly method: 'GET' | 'POST';
  /** The request path including `/apps/{id}`, without host or query. */
  readonly path: string;
  /** Unix time in seconds. */
  readonly timestamp: number;
  /** Extra query parameters (signed unescaped, sent percent-encoded). */
  readonly params?: Readonly<Record<string, string>> | undefined;
  /** The exact body sent; `body_md5` is added when it is non-empty. */
  readonly body?: string | undefined;
}

/** Percent-encodes signed parameters into a query string (no leading `?`), in their order. */
export function encodeQuery(params: Readonly<Record<string, string>>): string {
  let query = '';
  for (const key in params) {
    const pair = `${encodeURIComponent(key)}=${encodeURIComponent(params[key] as string)}`;
    query = query ? `${query}&${pair}` : pair;
  }
  return query;
}

/** Signs requests for one app. */
export class RequestSigner {
  readonly #key: string;
  readonly #secret: string;
  /** The secret's UTF-8 bytes, encoded once for this app (not per request, not module-wide). */
  readonly #secretBytes: Uint8Array;
  /** `auth_key=<key>` percent-encoded, as sent. */
  readonly #encodedKeyPair: string;

  constructor(key: string, secret: string) {
    this.#key = key;
    this.#secret = secret;
    this.#secretBytes = utf8Encode(secret);
    this.#encodedKeyPair = `auth_key=${encodeURIComponent(key)}`;
  }

  /**
   * The signed query string (no leading `?`): extra parameters first, then `auth_key`,
   * `auth_timestamp`, `auth_version`, `body_md5` (non-empty body) and `auth_signature`.
   * A reserved key in `params` is a ValidationError.
   */
  signedQuery(input: SignedQueryInput): string {
    const params = input.params;
    if (params !== undefined && hasKeys(params)) {
      return encodeQuery(
        signRequest({
          method: input.method,
          path: input.path,
          key: this.#key,
          secret: this.#secret,
          timestamp: input.timestamp,
          params,
          ...(input.body === undefined ? {} : { body: input.body }),
        }),
      );
    }
    const timestamp = String(Math.floor(input.timestamp));
    const body = input.body;
    const bodyMd5 = body !== undefined && body.length > 0 ? md5Hex(body) : undefined;
    const signature = hmacSha256Hex(
      this.#secretBytes,
      `${input.method}\n${input.path}\n${authOnlyCanonicalQuery(this.#key, timestamp, bodyMd5)}`,
    );
    const md5Pair = bodyMd5 === undefined ? '' : `&body_md5=${bodyMd5}`;
    return `${this.#encodedKeyPair}&auth_timestamp=${timestamp}&auth_version=${AUTH_VERSION}${md5Pair}&auth_signature=${signature}`;
  }
}

function hasKeys(params: Readonly<Record<string, string>>): boolean {
  for (const _ in params) return true;
  return false;
}
