/**
 * @module channels/verify-auth
 * Checks a client's `auth` string (`<key>:<hex HMAC-SHA256>`) for a channel subscription or a
 * sign-in, with the SDK's signing functions and a constant-time compare. The key half must equal
 * the app key. The strings signed are those of the Pusher auth-signatures reference:
 * `socket_id:channel[:channel_data]` and `socket_id::user::user_data`.
 * @see https://pusher.com/docs/channels/library_auth_reference/auth-signatures/
 */

import { channelAuthSignature, timingSafeEqual, userAuthSignature } from '@pushwire/sdk';

export interface AppCredentials {
  readonly key: string;
  readonly secret: string;
}

function keyMatches(auth: string, key: string): boolean {
  const colon = auth.indexOf(':');
  return colon > 0 && auth.slice(0, colon) === key;
}

/** True when `auth` signs `socketId:channel` (plus `:channelData` when given) with the app secret. */
export function isValidChannelAuth(
  app: AppCredentials,
  socketId: string,
  channel: string,
  auth: string | undefined,
  channelData?: string,
): boolean {
  if (auth === undefined || !keyMatches(auth, app.key)) return false;
  const expected = channelAuthSignature({
    key: app.key,
    secret: app.secret,
    socketId,
    channel,
    ...(channelData === undefined ? {} : { channelData }),
  });
  return timingSafeEqual(expected, auth);
}

/** True when `auth` signs `socketId::user::userData` with the app secret. */
export function isValidUserAuth(
  app: AppCredentials,
  socketId: string,
  userData: string,
  auth: string,
): boolean {
  if (!keyMatches(auth, app.key)) return false;
  const expected = userAuthSignature({ key: app.key, secret: app.secret, socketId, userData });
  return timingSafeEqual(expected, auth);
}
