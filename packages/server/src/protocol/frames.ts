/**
 * @module protocol/frames
 * Serializers for every frame the server sends, with the exact encodings of the Pusher WebSocket
 * protocol 7: `data` is a JSON *string* everywhere the spec says String (always present, `"{}"`
 * when empty); `pusher:error` and `pusher:signin_success` carry an object.
 */

import type { PresenceMember } from '../adapters/adapter';

const EMPTY_DATA = '{}';

export function connectionEstablishedFrame(socketId: string, activityTimeoutSec: number): string {
  const data = JSON.stringify({ socket_id: socketId, activity_timeout: activityTimeoutSec });
  return JSON.stringify({ event: 'pusher:connection_established', data });
}

/** `pusher:error`: `data` is an object `{ message, code }` (code null for subscription problems). */
export function errorFrame(message: string, code: number | null): string {
  return JSON.stringify({ event: 'pusher:error', data: { code, message } });
}

export const PONG_FRAME = JSON.stringify({ event: 'pusher:pong', data: EMPTY_DATA });
export const PING_FRAME = JSON.stringify({ event: 'pusher:ping', data: EMPTY_DATA });

export function subscriptionSucceededFrame(channel: string): string {
  return JSON.stringify({
    event: 'pusher_internal:subscription_succeeded',
    channel,
    data: EMPTY_DATA,
  });
}

export function memberAddedFrame(channel: string, member: PresenceMember): string {
  const data = JSON.stringify({ user_id: member.userId, user_info: member.userInfo ?? null });
  return JSON.stringify({ event: 'pusher_internal:member_added', channel, data });
}

export function memberRemovedFrame(channel: string, userId: string): string {
  const data = JSON.stringify({ user_id: userId });
  return JSON.stringify({ event: 'pusher_internal:member_removed', channel, data });
}

/**
 * soketi-style `pusher:subscription_error` on the channel, which pusher-js hands to channel
 * listeners (Laravel Echo's `.error()`); `data` is an object like pusher-js's own AuthError.
 */
export function subscriptionErrorFrame(
  channel: string,
  type: string,
  error: string,
  status: number,
): string {
  return JSON.stringify({
    event: 'pusher:subscription_error',
    channel,
    data: { type, error, status },
  });
}

/** `pusher:cache_miss` carries no `data` (as soketi and Reverb send it: pusher-js hands handlers `undefined`). */
export function cacheMissFrame(channel: string): string {
  return JSON.stringify({ event: 'pusher:cache_miss', channel });
}

export function subscriptionCountFrame(channel: string, count: number): string {
  const data = JSON.stringify({ subscription_count: count });
  return JSON.stringify({ event: 'pusher_internal:subscription_count', channel, data });
}

/** `pusher:signin_success`: `data` is an object holding the exact `user_data` string signed. */
export function signinSuccessFrame(userData: string): string {
  return JSON.stringify({ event: 'pusher:signin_success', data: { user_data: userData } });
}

/** A channel event (API or client): `data` always a string; `user_id` only when given. */
export function channelEventFrame(
  event: string,
  channel: string,
  data: string,
  userId?: string,
): string {
  return userId === undefined
    ? JSON.stringify({ event, channel, data })
    : JSON.stringify({ event, channel, data, user_id: userId });
}
