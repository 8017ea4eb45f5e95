/**
 * @module channels/presence-member
 * Builds the presence member for a subscription, either from the `channel_data` the client sent
 * (verified by the signature over that exact string) or, when it sent none, from the user the
 * connection signed in as. `user_id` is stringified at this edge; limits on the id length and the
 * `user_info` size apply (Pusher: 128 characters, 1 KB).
 * @see https://pusher.com/docs/channels/using_channels/presence-channels/
 */

import type { PresenceMember } from '../adapters/adapter';
import { SubscriptionStatus } from '../protocol/close-codes';
import { authError, SubscriptionError } from './subscription-error';

export interface PresenceLimits {
  readonly maxUserIdLength: number;
  readonly maxPresenceUserInfoBytes: number;
}

/** A user id as Pusher accepts it: a non-empty string, or a finite number in its string form. */
export function normalizeUserId(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * UTF-8 bytes of `value` as JSON; a value that cannot be serialized (nested too deep) counts as
 * infinitely large, so it is refused as over the limit rather than failing as an internal error.
 */
function serializedBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Checks the limits of an already-built member. */
export function checkMemberLimits(member: PresenceMember, limits: PresenceLimits): PresenceMember {
  if (limits.maxUserIdLength > 0 && member.userId.length > limits.maxUserIdLength) {
    throw new SubscriptionError(
      'subscription_limit',
      'LimitReached',
      SubscriptionStatus.MemberTooLarge,
      `Presence user_id is ${member.userId.length} characters; the limit is ${limits.maxUserIdLength}`,
    );
  }
  if (limits.maxPresenceUserInfoBytes > 0 && member.userInfo !== undefined) {
    const bytes = serializedBytes(member.userInfo);
    if (bytes > limits.maxPresenceUserInfoBytes) {
      throw new SubscriptionError(
        'subscription_limit',
        'LimitReached',
        SubscriptionStatus.MemberTooLarge,
        Number.isFinite(bytes)
          ? `Presence user_info is ${bytes} bytes; the limit is ${limits.maxPresenceUserInfoBytes}`
          : 'Presence user_info cannot be serialized (nested too deep)',
      );
    }
  }
  return member;
}

/** The member described by a presence `channel_data` string (`{"user_id", "user_info"?}`). */
export function memberFromChannelData(channelData: string, limits: PresenceLimits): PresenceMember {
  let parsed: unknown;
  try {
    parsed = JSON.parse(channelData);
  } catch {
    throw authError('Invalid presence channel_data: not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw authError('Invalid presence channel_data: expected an object');
  }
  const record = parsed as Record<string, unknown>;
  const userId = normalizeUserId(record['user_id']);
  if (userId === undefined) {
    throw authError(
      'Invalid presence channel_data: "user_id" must be a non-empty string or number',
    );
  }
  return checkMemberLimits({ userId, userInfo: record['user_info'] }, limits);
}

/** The member for a signed-in connection that subscribed without `channel_data`. */
export function memberFromSignedInUser(
  user: { readonly id: string; readonly userInfo: unknown },
  limits: PresenceLimits,
): PresenceMember {
  return checkMemberLimits({ userId: user.id, userInfo: user.userInfo }, limits);
}
