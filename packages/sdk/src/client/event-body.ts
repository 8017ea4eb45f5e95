/**
 * @module client/event-body
 * Builds the JSON bodies of `POST /events` and `POST /batch_events`, after checking every limit:
 * channel names and count, event name, socket id, data size (of the string actually sent, after
 * encryption). Only known fields are written, so nothing can override `name`, `channels` or
 * `data`. Caller inputs are never mutated.
 */
import {
  channelType,
  SERVER_TO_USER_PREFIX,
  validateChannelName,
  validateSocketId,
} from '../channels/names';
import { encryptData } from '../encryption/encrypt';
import { ConfigurationError, ValidationError } from '../errors';
import {
  type Limits,
  validateBatchSize,
  validateChannelCount,
  validateDataSize,
  validateEventName,
  validateUserId,
} from '../limits';
import type { BatchEvent, InfoOption, TriggerOptions } from '../types';

/** What body building needs from the client. */
export interface EventContext {
  readonly limits: Limits;
  readonly masterKey: Uint8Array | undefined;
}

const INFO_ATTRIBUTE_PATTERN = /^[A-Za-z0-9_]+$/;

/** `info` as the API's comma-separated string; a ValidationError for anything else. */
export function infoParam(info: InfoOption | undefined, field = 'info'): string | undefined {
  if (info === undefined) return undefined;
  const names = typeof info === 'string' ? info.split(',') : Array.isArray(info) ? info : undefined;
  if (names === undefined || names.length === 0) {
    throw new ValidationError(
      field,
      `${field} must be a comma-separated string or an array of attribute names`,
    );
  }
  for (const name of names) {
    if (typeof name !== 'string' || !INFO_ATTRIBUTE_PATTERN.test(name)) {
      throw new ValidationError(
        field,
        `Invalid ${field} attribute ${JSON.stringify(name)}: expected a name such as 'user_count'`,
      );
    }
  }
  return names.join(',');
}

/** The event data as the string sent: strings as they are, anything else JSON-encoded. */
export function serializeData(data: unknown, field = 'data'): string {
  if (typeof data === 'string') return data;
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    throw new ValidationError(
      field,
      `Event data cannot be JSON-encoded: ${(error as Error).message}`,
    );
  }
  if (text === undefined) {
    throw new ValidationError(
      field,
      `Event data must be a string or a JSON value (got ${typeof data})`,
    );
  }
  return text;
}

/** The string sent as `data` for `channel`: encrypted on `private-encrypted-*` channels. */
function dataForChannel(
  channel: string,
  data: unknown,
  context: EventContext,
  field: string,
): string {
  const text = serializeData(data, field);
  if (channelType(channel) !== 'private-encrypted') return text;
  if (!context.masterKey) {
    throw new ConfigurationError(
      'encryptionMasterKeyBase64',
      `Triggering on encrypted channel '${channel}' needs the encryptionMasterKeyBase64 option`,
    );
  }
  return encryptData(channel, text, context.masterKey);
}

/**
 * Validates a channel to trigger on: a channel name, or `#server-to-user-<userId>` (the one name
 * allowed to contain `#`, used by sendToUser).
 */
export function validateTriggerChannel(name: unknown, limits: Limits, field: string): string {
  if (typeof name === 'string' && name.startsWith(SERVER_TO_USER_PREFIX)) {
    validateUserId(name.slice(SERVER_TO_USER_PREFIX.length), limits, field);
    return name;
  }
  return validateChannelName(name, limits.maxChannelNameLength, field);
}

/** The validated channel list of a trigger (a single name or an array). */
export function channelList(
  channels: string | readonly string[],
  context: EventContext,
): readonly string[] {
  const list = typeof channels === 'string' ? [channels] : channels;
  if (!Array.isArray(list)) {
    throw new ValidationError('channels', 'channels must be a channel name or an array of names');
  }
  validateChannelCount(list.length, context.limits);
  for (let i = 0; i < list.length; i++) {
    validateTriggerChannel(
      list[i],
      context.limits,
      list.length === 1 ? 'channel' : `channels[${i}]`,
    );
  }
  if (list.length > 1) {
    for (const name of list) {
      if (channelType(name) === 'private-encrypted') {
        throw new ValidationError(
          'channels',
          `Encrypted channel '${name}' cannot share a trigger with other channels (each has its own key); trigger it on its own or use triggerMany`,
        );
      }
    }
  }
  return list;
}

/** Body of `POST /events`. */
export function buildTriggerBody(
  channels: string | readonly string[],
  event: string,
  data: unknown,
  options: TriggerOptions | undefined,
  context: EventContext,
): string {
  const list = channelList(channels, context);
  validateEventName(event, context.limits);
  const sent = dataForChannel(list[0] as string, data, context, 'data');
  validateDataSize(sent, context.limits);
  const body: Record<string, unknown> = { name: event, data: sent, channels: list };
  if (options !== undefined) {
    if (typeof options !== 'object' || options === null) {
      throw new ValidationError(
        'options',
        'trigger options must be an object { socketId?, info? }',
      );
    }
    if (options.socketId !== undefined) body['socket_id'] = validateSocketId(options.socketId);
    const info = infoParam(options.info);
    if (info !== undefined) body['info'] = info;
  }
  return JSON.stringify(body);
}

/** One batch event as sent, validated (`index` names it in errors). */
function batchEntry(
  event: BatchEvent,
  index: number,
  context: EventContext,
): Record<string, unknown> {
  const at = `batch[${index}]`;
  if (typeof event !== 'object' || event === null) {
    throw new ValidationError(at, `${at} must be an object { channel, name, data }`);
  }
  const channel = validateTriggerChannel(event.channel, context.limits, `${at}.channel`);
  const name = validateEventName(event.name, context.limits, `${at}.name`);
  const data = dataForChannel(channel, event.data, context, `${at}.data`);
  validateDataSize(data, context.limits, `${at}.data`);
  const entry: Record<string, unknown> = { channel, name, data };
  if (event.socketId !== undefined)
    entry['socket_id'] = validateSocketId(event.socketId, `${at}.socketId`);
  const info = infoParam(event.info, `${at}.info`);
  if (info !== undefined) entry['info'] = info;
  return entry;
}

/** Body of `POST /batch_events`. */
export function buildBatchBody(
  events: readonly BatchEvent[],
  context: EventContext,
  firstIndex = 0,
): string {
  if (!Array.isArray(events)) {
    throw new ValidationError(
      'batch',
      'triggerBatch expects an array of { channel, name, data } events',
    );
  }
  validateBatchSize(events.length, context.limits);
  const batch = events.map((event, index) => batchEntry(event, firstIndex + index, context));
  return JSON.stringify({ batch });
}
