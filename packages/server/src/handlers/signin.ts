/**
 * @module handlers/signin
 * `pusher:signin` (user authentication): verifies `socket_id::user::user_data` with the app secret,
 * requires `user_data` to be a JSON object with an `id` (a non-empty string, or a number used in its
 * string form, as Laravel apps send and soketi accepts), and
 * replies `pusher:signin_success` with the exact `user_data` string. Any failure, including a second
 * signin as a different user, is fatal: `pusher:error` 4009 and close 4009. When the app has
 * `watchlistEvents`, the `watchlist` is read too and the rest is handlers/watchlist-flow.ts.
 * @see https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/#pusher-signin
 */

import { normalizeUserId } from '../channels/presence-member';
import { isValidUserAuth } from '../channels/verify-auth';
import type { Connection } from '../core/connection';
import type { ServerContext } from '../core/server-context';
import { CloseCode } from '../protocol/close-codes';
import { signinSuccessFrame } from '../protocol/frames';
import { ProtocolError } from '../protocol/protocol-error';
import { WatchSession } from '../watchlist/watch-session';
import { parseWatchlist } from '../watchlist/watchlist-input';
import { watchAfterSignin } from './watchlist-flow';

function fail(message: string): ProtocolError {
  return new ProtocolError('signin_failed', message, CloseCode.Unauthorized, { fatal: true });
}

function parseUserData(userData: string): { id: string; userInfo: unknown; watchlist: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(userData);
  } catch {
    throw fail('Invalid user_data: not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw fail('Invalid user_data: expected a JSON object');
  }
  const record = parsed as Record<string, unknown>;
  const id = normalizeUserId(record['id']);
  if (id === undefined) {
    throw fail('Invalid user_data: "id" must be a non-empty string or a number');
  }
  return { id, userInfo: record['user_info'], watchlist: record['watchlist'] };
}

export function handleSignin(
  ctx: ServerContext,
  connection: Connection,
  input: { readonly auth: string; readonly userData: string },
): Promise<void> | undefined {
  const { app, socketId } = connection;
  if (!isValidUserAuth(app, socketId, input.userData, input.auth)) {
    throw fail('Invalid signature for pusher:signin');
  }
  const user = parseUserData(input.userData);
  if (app.limits.maxUserIdLength > 0 && user.id.length > app.limits.maxUserIdLength) {
    throw fail(`User id is longer than ${app.limits.maxUserIdLength} characters`);
  }
  const previous = connection.user;
  if (previous !== undefined && previous.id !== user.id) {
    throw fail('This connection is already signed in as a different user');
  }
  // Read before any state changes, so that a bad watchlist fails the sign-in cleanly.
  const watchlist = app.watchlistEvents
    ? parseWatchlist(user.watchlist, app.limits.maxUserIdLength)
    : undefined;
  // A session once started stays with the connection (even if a reload turned the app's
  // watchlistEvents off), so that its close leaves the online roster.
  const watch = previous?.watch ?? (watchlist === undefined ? undefined : new WatchSession());
  connection.user = {
    id: user.id,
    userData: input.userData,
    userInfo: user.userInfo,
    ...(watch === undefined ? {} : { watch }),
  };
  if (previous === undefined) ctx.registry.signIn(connection, user.id);
  connection.cancelAuthDeadline();
  connection.send(signinSuccessFrame(input.userData));
  if (watch === undefined || watchlist === undefined) return undefined;
  return watchAfterSignin(ctx, connection, user.id, watch, watchlist);
}
