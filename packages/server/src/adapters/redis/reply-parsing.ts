/**
 * @module adapters/redis/reply-parsing
 * Narrowing of untyped Redis replies (script results) into the shapes the adapter expects; a reply
 * of another shape is a fault like a lost connection (the adapter falls back and resynchronizes).
 * Also the user_info JSON codec of the stored presence members.
 */

import { PushwireServerError } from '../../server-error';
import type { PresenceMember, SubscriptionChange } from '../adapter';
import { AdapterUsageError } from '../adapter-errors';

/** A reply that did not have the expected shape. */
export class UnexpectedReplyError extends PushwireServerError {
  override readonly name = 'UnexpectedReplyError';
}

export function replyArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new UnexpectedReplyError(`${what}: expected an array`);
  return value;
}

export function replyInt(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw new UnexpectedReplyError(`${what}: expected an integer`);
}

export function replyString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw new UnexpectedReplyError(`${what}: expected a string`);
}

/** Parses stored user_info JSON; an unreadable value becomes null rather than failing a query. */
export function parseUserInfo(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return null;
  }
}

/** user_info as stored in Redis; a value JSON cannot represent is the caller's mistake. */
export function serializeUserInfo(userInfo: unknown): string {
  try {
    return JSON.stringify(userInfo ?? null);
  } catch {
    throw new AdapterUsageError('presence user_info must be JSON-serializable');
  }
}

/** A member from its user id and stored user_info replies (`what` names them in errors). */
export function replyMember(userId: unknown, userInfo: unknown, what: string): PresenceMember {
  return {
    userId: replyString(userId, `${what} user`),
    userInfo: parseUserInfo(replyString(userInfo, `${what} info`)),
  };
}

/** A `[count, transitioned]` reply of the subscription scripts. */
export function replySubscriptionChange(reply: unknown): SubscriptionChange {
  const row = replyArray(reply, 'subscription change');
  return {
    subscriptionCount: replyInt(row[0], 'subscription count'),
    transitioned: replyInt(row[1], 'subscription transition') === 1,
  };
}
