/**
 * @module http/event-input
 * Validation of the events of `POST /events` and `POST /batch_events` against the app's limits:
 * event name, `data` (a string, size-limited: 413 beyond), channels (count, grammar, length; the
 * `#server-to-user-<id>` channel included), `socket_id` format and `info` attributes.
 */
import { parseChannelName, SERVER_TO_USER_PREFIX, SOCKET_ID_PATTERN } from '@pushwire/sdk';
import type { AppLimits } from '../options';
import { isPlainObject } from '../util/is-plain-object';
import { badRequest, payloadTooLarge } from './http-status-error';

/** Attributes an event's `info` may request. */
export type EventInfoAttribute = 'user_count' | 'subscription_count';

/** One validated event to publish. */
export interface EventInput {
  readonly name: string;
  readonly data: string;
  readonly channels: readonly string[];
  readonly socketId: string | undefined;
  /** Requested attributes; `undefined` when `info` was absent. */
  readonly info: ReadonlySet<EventInfoAttribute> | undefined;
}

const EVENT_INFO_ATTRIBUTES: ReadonlySet<string> = new Set(['user_count', 'subscription_count']);
const RESERVED_EVENT_PREFIXES = ['pusher:', 'pusher_internal:'];

/** Parses a JSON request body into an object. @throws {HttpStatusError} 400 */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw badRequest('Request body is empty; expected a JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('Request body is not valid JSON');
  }
  if (!isPlainObject(parsed)) throw badRequest('Request body must be a JSON object');
  return parsed;
}

/** Throws a 400 unless `channel` is a valid channel name for an API publish (the SDK's rules). */
export function checkChannelName(channel: unknown, limits: AppLimits, field: string): string {
  if (typeof channel !== 'string') throw badRequest(`${field} must be a non-empty string`);
  const parsed = parseChannelName(channel, {
    maxLength: limits.maxChannelNameLength,
    maxUserIdLength: limits.maxUserIdLength,
    serverToUser: true,
  });
  if (parsed.ok) return channel;
  switch (parsed.problem) {
    case 'empty':
      throw badRequest(`${field} must be a non-empty string`);
    case 'too_long':
      throw badRequest(
        `${field} is ${channel.length} characters long; the limit is ${parsed.limit}`,
      );
    case 'user_id_length':
      throw badRequest(
        `${field}: the user id of a ${SERVER_TO_USER_PREFIX} channel must be 1 to ${parsed.limit} characters`,
      );
    case 'charset':
      throw badRequest(`${field} is not a valid channel name (allowed: A-Z a-z 0-9 _ - = @ , . ;)`);
  }
}

/** Parses a comma-separated `info` value. @throws {HttpStatusError} 400 for an unknown attribute. */
export function parseInfo(
  value: unknown,
  allowed: ReadonlySet<string>,
  field: string,
): Set<string> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest(`${field} must be a comma-separated string`);
  const attributes = new Set<string>();
  for (const part of value.split(',')) {
    const attribute = part.trim();
    if (attribute === '') continue;
    if (!allowed.has(attribute)) {
      throw badRequest(
        `${field}: unknown attribute "${attribute}"; allowed: ${[...allowed].join(', ')}`,
      );
    }
    attributes.add(attribute);
  }
  return attributes.size === 0 ? undefined : attributes;
}

/**
 * Validates one event object. `field` prefixes error messages (`batch[3]`). In a batch only
 * `channel` is accepted; `POST /events` accepts `channels` (1..limit) or `channel`.
 */
export function parseEventInput(
  input: unknown,
  limits: AppLimits,
  field: string,
  inBatch: boolean,
): EventInput {
  if (!isPlainObject(input)) throw badRequest(`${field || 'event'} must be a JSON object`);
  const at = (name: string) => (field ? `${field}.${name}` : name);

  const name = input['name'];
  if (typeof name !== 'string' || name.length === 0) {
    throw badRequest(`${at('name')} must be a non-empty string`);
  }
  if (name.length > limits.maxEventNameLength) {
    throw badRequest(
      `${at('name')} is ${name.length} characters long; the limit is ${limits.maxEventNameLength}`,
    );
  }
  if (RESERVED_EVENT_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    throw badRequest(`${at('name')} may not start with pusher: or pusher_internal:`);
  }

  const data = input['data'];
  if (typeof data !== 'string') {
    throw badRequest(`${at('data')} must be a string (serialize objects to JSON first)`);
  }
  // Fast path: a string of n UTF-16 units has at most 3n UTF-8 bytes.
  if (data.length * 3 > limits.maxEventDataBytes) {
    const bytes = Buffer.byteLength(data, 'utf8');
    if (bytes > limits.maxEventDataBytes) {
      throw payloadTooLarge(
        `${at('data')} is ${bytes} bytes; the limit is ${limits.maxEventDataBytes} bytes`,
      );
    }
  }

  let channels: string[];
  const list = input['channels'];
  const single = input['channel'];
  if (!inBatch && list !== undefined) {
    if (single !== undefined) throw badRequest('Give either channels or channel, not both');
    if (!Array.isArray(list) || list.length === 0) {
      throw badRequest('channels must be a non-empty array of channel names');
    }
    if (list.length > limits.maxChannelsPerTrigger) {
      throw badRequest(
        `channels has ${list.length} entries; the limit is ${limits.maxChannelsPerTrigger} per event`,
      );
    }
    channels = list.map((channel: unknown, index) =>
      checkChannelName(channel, limits, `channels[${index}]`),
    );
    if (new Set(channels).size !== channels.length) {
      channels = [...new Set(channels)];
    }
  } else if (single !== undefined) {
    channels = [checkChannelName(single, limits, at('channel'))];
  } else {
    throw badRequest(inBatch ? `${at('channel')} is required` : 'channels or channel is required');
  }

  const socketId = input['socket_id'];
  if (socketId !== undefined && socketId !== null) {
    if (typeof socketId !== 'string' || !SOCKET_ID_PATTERN.test(socketId)) {
      throw badRequest(`${at('socket_id')} must look like "1234.5678"`);
    }
  }

  const info = parseInfo(input['info'], EVENT_INFO_ATTRIBUTES, at('info')) as
    | Set<EventInfoAttribute>
    | undefined;
  return {
    name,
    data,
    channels,
    socketId: typeof socketId === 'string' ? socketId : undefined,
    info,
  };
}
