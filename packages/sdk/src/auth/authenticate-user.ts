/**
 * @module auth/authenticate-user
 * User authentication (pusher-js `signin()`): the `{ auth, user_data }` answer that lets a
 * connection receive server-to-user messages and be watched by other users.
 */
import { describeValue, validateSocketId } from '../channels/names';
import { ValidationError } from '../errors';
import { type Limits, validateUserInfoSize } from '../limits';
import { userAuthSignature } from '../signing/auth';
import type { AuthContext, UserAuthResponse, UserData } from './types';

function serializeUserData(userData: UserData): string {
  try {
    return JSON.stringify(userData);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError('userData', `User data is not JSON-serializable: ${reason}`);
  }
}

function validateUserData(userData: unknown, limits: Limits): asserts userData is UserData {
  const { maxUserIdLength } = limits;
  if (typeof userData !== 'object' || userData === null || Array.isArray(userData)) {
    throw new ValidationError(
      'userData',
      `User data must be an object with an id, got ${describeValue(userData)}`,
    );
  }
  const { id, watchlist, user_info: userInfo } = userData as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0) {
    throw new ValidationError(
      'userData.id',
      `User data needs a non-empty string id, got ${describeValue(id)}`,
    );
  }
  if (id.length > maxUserIdLength) {
    throw new ValidationError(
      'userData.id',
      `User id is ${id.length} characters long; the limit is ${maxUserIdLength}`,
      maxUserIdLength,
    );
  }
  if (
    watchlist !== undefined &&
    (!Array.isArray(watchlist) || !watchlist.every((w) => typeof w === 'string'))
  ) {
    throw new ValidationError(
      'userData.watchlist',
      'User data watchlist must be an array of user id strings',
    );
  }
  // The server uses user_info as the presence member's info when this user joins a presence
  // channel: over its limit, that subscription would be refused.
  validateUserInfoSize(userInfo, limits.maxPresenceUserInfoBytes, 'userData.user_info');
}

/** Signs in `socketId` as the user described by `userData` (`user_data` is its JSON). */
export function authenticateUser(
  ctx: AuthContext,
  socketId: string,
  userData: UserData,
): UserAuthResponse {
  validateSocketId(socketId);
  validateUserData(userData, ctx.limits);
  const serialized = serializeUserData(userData);
  const auth = userAuthSignature({
    key: ctx.key,
    secret: ctx.secret,
    socketId,
    userData: serialized,
  });
  return { auth, user_data: serialized };
}
