/**
 * @module webhooks/events
 * The events a Pusher Channels webhook carries, as a union discriminated on `name`, and the
 * parser that checks a decoded body against it.
 * @see https://pusher.com/docs/channels/server_api/webhooks/
 */
import { WebhookError } from './errors';

export interface ChannelOccupiedEvent {
  name: 'channel_occupied';
  channel: string;
}

export interface ChannelVacatedEvent {
  name: 'channel_vacated';
  channel: string;
}

export interface MemberAddedEvent {
  name: 'member_added';
  channel: string;
  user_id: string;
}

export interface MemberRemovedEvent {
  name: 'member_removed';
  channel: string;
  user_id: string;
}

export interface ClientEvent {
  name: 'client_event';
  channel: string;
  /** The client event's name (`client-...`). */
  event: string;
  /** The event data as sent; decrypted for `private-encrypted-*` channels when a master key is set. */
  data: string;
  socket_id: string;
  /** Present on presence channels. */
  user_id?: string;
}

export interface CacheMissEvent {
  name: 'cache_miss';
  channel: string;
}

export interface SubscriptionCountEvent {
  name: 'subscription_count';
  channel: string;
  subscription_count: number;
}

export type WebhookEvent =
  | ChannelOccupiedEvent
  | ChannelVacatedEvent
  | MemberAddedEvent
  | MemberRemovedEvent
  | ClientEvent
  | CacheMissEvent
  | SubscriptionCountEvent;

export type WebhookEventName = WebhookEvent['name'];

/** An event whose name this SDK does not know yet (kept as sent, for forward compatibility). */
export interface UnknownWebhookEvent {
  name: string;
  [field: string]: unknown;
}

/** A decoded webhook body. */
export interface WebhookPayload {
  time_ms: number;
  events: WebhookEvent[];
  /** Events with a name outside the documented set; they do not make the webhook invalid. */
  unknownEvents: UnknownWebhookEvent[];
}

type Fields = Record<string, unknown>;

function malformed(message: string): WebhookError {
  return new WebhookError('malformed_body', message);
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(event: Fields, key: string, index: number): string {
  const value = event[key];
  if (typeof value !== 'string') {
    throw malformed(`Webhook event #${index} has no string '${key}'`);
  }
  return value;
}

/** User ids are strings on the wire; a number (some servers send one) is kept as its string. */
function userId(event: Fields, key: string, index: number): string {
  const value = event[key];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return text(event, key, index);
}

function parseClientEvent(event: Fields, channel: string, index: number): ClientEvent {
  const parsed: ClientEvent = {
    name: 'client_event',
    channel,
    event: text(event, 'event', index),
    data: text(event, 'data', index),
    socket_id: text(event, 'socket_id', index),
  };
  if (event['user_id'] !== undefined && event['user_id'] !== null) {
    parsed.user_id = userId(event, 'user_id', index);
  }
  return parsed;
}

const KNOWN_NAMES: ReadonlySet<unknown> = new Set([
  'channel_occupied',
  'channel_vacated',
  'cache_miss',
  'member_added',
  'member_removed',
  'client_event',
  'subscription_count',
]);

function parseEvent(raw: Fields, index: number): WebhookEvent {
  const name = raw['name'];
  const channel = text(raw, 'channel', index);
  switch (name) {
    case 'channel_occupied':
    case 'channel_vacated':
    case 'cache_miss':
      return { name, channel };
    case 'member_added':
    case 'member_removed':
      return { name, channel, user_id: userId(raw, 'user_id', index) };
    case 'client_event':
      return parseClientEvent(raw, channel, index);
    case 'subscription_count': {
      const count = raw['subscription_count'];
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
        throw malformed(`Webhook event #${index} has no valid 'subscription_count'`);
      }
      return { name, channel, subscription_count: count };
    }
    default:
      throw malformed(
        `Webhook event #${index} has an unknown name ${JSON.stringify(name)?.slice(0, 60) ?? 'undefined'}`,
      );
  }
}

/** Checks a decoded webhook body and returns its typed form (a fresh object). */
export function parseWebhookPayload(decoded: unknown): WebhookPayload {
  if (!isObject(decoded)) throw malformed('Webhook body must be a JSON object');
  const timeMs = decoded['time_ms'];
  if (typeof timeMs !== 'number' || !Number.isFinite(timeMs)) {
    throw malformed("Webhook body has no numeric 'time_ms'");
  }
  const events = decoded['events'];
  if (!Array.isArray(events)) throw malformed("Webhook body has no 'events' array");
  const payload: WebhookPayload = { time_ms: timeMs, events: [], unknownEvents: [] };
  events.forEach((raw: unknown, index) => {
    if (!isObject(raw)) throw malformed(`Webhook event #${index} is not an object`);
    const name = raw['name'];
    if (typeof name !== 'string') throw malformed(`Webhook event #${index} has no string 'name'`);
    if (KNOWN_NAMES.has(name)) payload.events.push(parseEvent(raw, index));
    else payload.unknownEvents.push({ ...raw, name });
  });
  return payload;
}
