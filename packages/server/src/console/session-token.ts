/**
 * @module console/session-token
 * The console's short-lived session token: after the page proved it knows an app's key and secret
 * (one POST to this server), every later call carries `base64url(payload).signature`, where the
 * payload names the app and the expiry and the signature is HMAC-SHA256 of it with the app secret.
 * Nothing is stored on the server; changing the secret revokes every token.
 */
import { hmacSha256Hex, timingSafeEqual } from '@pushwire/sdk';

/** How long a token is valid. The page renews it well before. */
export const SESSION_TTL_MS = 30 * 60 * 1000;
/** Longest token accepted (anything longer is not one of ours). */
const MAX_TOKEN_CHARS = 512;

interface Payload {
  readonly a: string;
  readonly e: number;
}

function sign(secret: string, payload: string): string {
  return hmacSha256Hex(secret, `pushwire-console:${payload}`);
}

/** A token for `appId` valid until `now + SESSION_TTL_MS`. */
export function issueSessionToken(
  appId: string,
  secret: string,
  now: number,
): { token: string; expiresAt: number } {
  const expiresAt = now + SESSION_TTL_MS;
  const payload = Buffer.from(
    JSON.stringify({ a: appId, e: expiresAt } satisfies Payload),
  ).toString('base64url');
  return { token: `${payload}.${sign(secret, payload)}`, expiresAt };
}

/** Why a token was refused, or undefined when it is valid for `appId` at `now`. */
export function checkSessionToken(
  token: string,
  appId: string,
  secret: string,
  now: number,
): string | undefined {
  if (token.length > MAX_TOKEN_CHARS) return 'Invalid session token';
  const dot = token.indexOf('.');
  if (dot <= 0) return 'Invalid session token';
  const payload = token.slice(0, dot);
  if (!timingSafeEqual(token.slice(dot + 1), sign(secret, payload))) {
    return 'Invalid session token';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return 'Invalid session token';
  }
  const { a, e } = (parsed ?? {}) as Partial<Payload>;
  if (a !== appId || typeof e !== 'number') return 'Invalid session token';
  if (e <= now) return 'Session expired; log in again';
  return undefined;
}
