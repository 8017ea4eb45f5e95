/**
 * @module http/verify-request
 * Authenticates a REST request (auth version 1.0): `auth_key` names the app, `auth_timestamp` is
 * within the tolerance, `body_md5` matches the raw body bytes, and `auth_signature` is the
 * HMAC-SHA256 of `METHOD\npath\nsorted-query` with the app secret, recomputed with the SDK's
 * signing code and compared in constant time. The path may be signed with or without the server's
 * path prefix, and percent-encoded or decoded. Failures explain what is wrong without revealing
 * the secret or the expected signature.
 * @see https://pusher.com/docs/channels/library_auth_reference/rest-api/#authentication
 */
import { AUTH_VERSION, hmacSha256Hex, md5Hex, stringToSign, timingSafeEqual } from '@pushwire/sdk';
import type { ResolvedApp } from '../options';
import type { QueryParams } from './query';

/** What {@link verifyRequest} checks. */
export interface VerifyRequestInput {
  readonly method: string;
  /** The path exactly as received (before any decoding), without the query string. */
  readonly rawPath: string;
  /** The server's normalized path prefix ('' when none). */
  readonly pathPrefix: string;
  readonly query: QueryParams;
  readonly body: Uint8Array;
  /** The app named by the path. */
  readonly app: ResolvedApp;
  /** Current unix time in seconds. */
  readonly nowSec: number;
  readonly toleranceSec: number;
}

/** `undefined` when the request is authentic, else the reason (for a 401 body). */
export type VerifyResult = string | undefined;

const HEX_SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
const INTEGER_PATTERN = /^-?\d+$/;

function safeDecode(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/** Every path the client may have signed, most likely first. */
function candidatePaths(rawPath: string, prefix: string): string[] {
  const forms: string[] = [];
  const add = (path: string) => {
    if (!forms.includes(path)) forms.push(path);
  };
  const hasPrefix = prefix !== '' && rawPath.startsWith(`${prefix}/`);
  const stripped = hasPrefix ? rawPath.slice(prefix.length) : rawPath;
  add(stripped);
  if (hasPrefix) add(rawPath);
  else if (prefix !== '') add(prefix + rawPath);
  if (rawPath.includes('%')) {
    for (const form of [...forms]) {
      const decoded = safeDecode(form);
      if (decoded !== undefined) add(decoded);
    }
  }
  return forms;
}

/**
 * Checks a request's signature and freshness. Returns `undefined` when valid, else a reason that
 * is safe to send to the client.
 */
export function verifyRequest(input: VerifyRequestInput): VerifyResult {
  const { query, app } = input;
  const key = query['auth_key'];
  const timestamp = query['auth_timestamp'];
  const version = query['auth_version'];
  const signature = query['auth_signature'];
  if (key === undefined || key === '') return 'Missing auth_key';
  if (timestamp === undefined || timestamp === '') return 'Missing auth_timestamp';
  if (version === undefined || version === '') return 'Missing auth_version';
  if (signature === undefined || signature === '') return 'Missing auth_signature';

  // One answer for an unknown key and for another app's key: an anonymous caller must not learn
  // which keys exist or which app a key belongs to.
  if (key !== app.key) return 'Invalid auth_key';
  if (version !== AUTH_VERSION) return `Unsupported auth_version; expected ${AUTH_VERSION}`;
  if (!INTEGER_PATTERN.test(timestamp)) return 'auth_timestamp must be an integer (unix seconds)';
  const skew = Math.abs(input.nowSec - Number(timestamp));
  if (skew > input.toleranceSec) {
    return `auth_timestamp is ${skew} seconds away from the server time (tolerance ${input.toleranceSec} s); check the client clock`;
  }

  const bodyMd5 = query['body_md5'];
  if (input.body.length > 0 || bodyMd5 !== undefined) {
    if (bodyMd5 === undefined) return 'Missing body_md5 for a request with a body';
    if (!timingSafeEqual(bodyMd5.toLowerCase(), md5Hex(input.body))) {
      return 'body_md5 does not match the MD5 of the request body';
    }
  }

  if (!HEX_SIGNATURE_PATTERN.test(signature)) {
    return 'auth_signature must be 64 lowercase hex characters';
  }
  const method = input.method.toUpperCase();
  for (const path of candidatePaths(input.rawPath, input.pathPrefix)) {
    const expected = hmacSha256Hex(app.secret, stringToSign(method, path, query));
    if (timingSafeEqual(signature, expected)) return undefined;
  }
  return 'Invalid signature: auth_signature must be the HMAC-SHA256 of "METHOD\\npath\\nsorted query" with the app secret';
}
