/**
 * @module handlers/client-events
 * `client-*` events: enabled for the app, private or presence channels only (never
 * `private-encrypted-`, as on Pusher: subscribers could not decrypt them, and pusher-js answers
 * each undecryptable event by calling the auth endpoint again), sender subscribed, name and size
 * limits, a per-connection rate limit, never echoed to the sender, `user_id` added on presence
 * channels, and the `client_event` webhook. The cheap checks (app, channel, subscription, name,
 * rate) come first: object `data` is serialized only for an event that passed them. Refusals are
 * `pusher:error` 4301 frames; the socket stays open. The `onEvent` observer, when set, sees each
 * accepted event.
 * @see https://pusher.com/docs/channels/using_channels/events/#triggering-client-events
 */

import { channelType } from '@pushwire/sdk';
import type { Connection } from '../core/connection';
import type { ServerContext } from '../core/server-context';
import { notifyEventObserver } from '../observability/published-event';
import { CloseCode } from '../protocol/close-codes';
import { channelEventFrame } from '../protocol/frames';
import { ProtocolError } from '../protocol/protocol-error';

export interface ClientEvent {
  readonly event: string;
  readonly channel: string;
  /** A string, or any JSON value (serialized once the event is accepted). */
  readonly data: unknown;
}

function reject(message: string): ProtocolError {
  return new ProtocolError('client_event_rejected', message, CloseCode.ClientEventRejected);
}

/**
 * `data` as the string subscribers receive: a string as is, anything else as JSON. The value came
 * from JSON.parse of a depth-bounded frame, so serializing cannot fail; if it ever did, the event
 * is refused like any other bad input, never reported as an internal error.
 */
function serializeData(data: unknown): string {
  if (typeof data === 'string') return data;
  try {
    return JSON.stringify(data ?? null);
  } catch {
    throw reject('Client event data could not be serialized');
  }
}

export function handleClientEvent(
  ctx: ServerContext,
  connection: Connection,
  input: ClientEvent,
): void {
  const { app } = connection;
  if (!app.enableClientMessages) {
    throw reject('Client events are disabled for this app');
  }
  const kind = channelType(input.channel);
  if (kind === 'private-encrypted') {
    throw reject('Client events are not supported on encrypted channels');
  }
  if (kind !== 'private' && kind !== 'presence') {
    throw reject(
      `Client events are only allowed on private and presence channels, not ${input.channel}`,
    );
  }
  const subscription = connection.subscription(input.channel);
  if (subscription === undefined) {
    throw reject(`Client event rejected: not subscribed to ${input.channel}`);
  }
  if (input.event.length > app.limits.maxEventNameLength) {
    throw reject(`Client event name is longer than ${app.limits.maxEventNameLength} characters`);
  }
  const decision = connection.clientEventLimiter.take();
  if (decision !== 'allowed') {
    ctx.metrics.inc('pushwire_dropped_messages_total', { reason: 'rate_limited' });
    // One error per one-second window: answering every dropped event would amplify a flood.
    if (decision === 'refused_again') return;
    throw new ProtocolError(
      'client_event_rate_limited',
      `Client event rate limit exceeded (${app.limits.clientEventsPerSecond}/s); events are dropped until the next second`,
      CloseCode.ClientEventRejected,
    );
  }
  const data = serializeData(input.data);
  const bytes = Buffer.byteLength(data, 'utf8');
  if (app.limits.maxEventDataBytes > 0 && bytes > app.limits.maxEventDataBytes) {
    throw reject(
      `Client event data is ${bytes} bytes; the limit is ${app.limits.maxEventDataBytes}`,
    );
  }
  const userId = subscription.member?.userId;
  ctx.adapter.publish({
    appId: app.id,
    channel: input.channel,
    frame: channelEventFrame(input.event, input.channel, data, userId),
    exceptSocketId: connection.socketId,
  });
  const observer = ctx.options.onEvent;
  if (observer !== undefined) {
    notifyEventObserver(observer, ctx.logger, {
      source: 'client',
      appId: app.id,
      channel: input.channel,
      name: input.event,
      data,
      socketId: connection.socketId,
      ...(userId === undefined ? {} : { userId }),
    });
  }
  ctx.debug?.clientEvent(app.id, input.channel, input.event, data, connection.socketId, userId);
  ctx.webhooks.emit(app, {
    name: 'client_event',
    channel: input.channel,
    event: input.event,
    data,
    socket_id: connection.socketId,
    ...(userId === undefined ? {} : { user_id: userId }),
  });
}
