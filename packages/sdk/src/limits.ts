/**
 * @module limits
 * The Pusher Channels limits the SDK checks before sending, with Pusher's defaults. Every limit
 * can be overridden per client for self-hosted servers and dedicated clusters. Also the checks that
 * apply them (event names, data size, channel counts, batch size, user ids) before any request.
 */
import { CHANNEL_NAME_PATTERN, describeValue } from './channels/names';
import { ConfigurationError, ValidationError } from './errors';

export interface Limits {
  /** Longest channel name, in characters. Pusher documents 164. @default 164 */
  readonly maxChannelNameLength: number;
  /** Longest event name, in characters. @default 200 */
  readonly maxEventNameLength: number;
  /** Most channels in one trigger. @default 100 */
  readonly maxChannelsPerTrigger: number;
  /** Most events in one batch trigger. @default 10 */
  readonly maxBatchEvents: number;
  /** Largest event `data`, in UTF-8 bytes of the string sent (after encryption). @default 10240 */
  readonly maxEventDataBytes: number;
  /** Longest user id (user authentication, presence, sendToUser), in characters. @default 128 */
  readonly maxUserIdLength: number;
  /**
   * Largest presence `user_info` (in channel authorization and user authentication), in UTF-8
   * bytes of its JSON: the server's `maxPresenceUserInfoBytes`. @default 1024
   */
  readonly maxPresenceUserInfoBytes: number;
}

/** Pusher's limits (a standard plan): the SDK's defaults and the server's for every app. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxChannelNameLength: 164,
  maxEventNameLength: 200,
  maxChannelsPerTrigger: 100,
  maxBatchEvents: 10,
  maxEventDataBytes: 10_240,
  maxUserIdLength: 128,
  maxPresenceUserInfoBytes: 1_024,
});

/**
 * The development limits of `pushwire serve --relaxed` (the server's `relaxed: true`), which the
 * SDK and the CLI use against such a server: what every official SDK accepts for names, and room
 * for large test payloads.
 */
export const RELAXED_LIMITS: Limits = Object.freeze({
  maxChannelNameLength: 200,
  maxEventNameLength: 200,
  maxChannelsPerTrigger: 1_000,
  maxBatchEvents: 100,
  maxEventDataBytes: 1_048_576, // 1 MiB events
  maxUserIdLength: 128,
  maxPresenceUserInfoBytes: 65_536, // 64 KiB user_info
});

const LIMIT_NAMES: readonly (keyof Limits)[] = [
  'maxChannelNameLength',
  'maxEventNameLength',
  'maxChannelsPerTrigger',
  'maxBatchEvents',
  'maxEventDataBytes',
  'maxUserIdLength',
  'maxPresenceUserInfoBytes',
];

/**
 * Pusher's defaults with `overrides` applied. Each override must be a positive integer (or
 * `Infinity` to switch a limit off); anything else is a ConfigurationError naming `limits.<name>`.
 */
export function resolveLimits(overrides: Partial<Limits> | undefined): Limits {
  if (overrides === undefined) return DEFAULT_LIMITS;
  if (typeof overrides !== 'object' || overrides === null) {
    throw new ConfigurationError('limits', 'limits must be an object of limit overrides');
  }
  const resolved: Record<keyof Limits, number> = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(overrides)) {
    if (!(LIMIT_NAMES as readonly string[]).includes(name)) {
      throw new ConfigurationError(
        `limits.${name}`,
        `Unknown limit 'limits.${name}'; known limits: ${LIMIT_NAMES.join(', ')}`,
      );
    }
    const value: unknown = overrides[name as keyof Limits];
    if (value === undefined) continue;
    if (
      typeof value !== 'number' ||
      !(value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value > 0))
    ) {
      throw new ConfigurationError(
        `limits.${name}`,
        `limits.${name} must be a positive integer (or Infinity), got ${describeValue(value)}`,
      );
    }
    resolved[name as keyof Limits] = value;
  }
  return Object.freeze(resolved);
}

const NON_ASCII_PATTERN = /[\u0080-\uffff]/;

/** Number of bytes of `text` in UTF-8, without encoding it. */
export function utf8ByteLength(text: string): number {
  if (!NON_ASCII_PATTERN.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Throws a ValidationError unless `name` is a non-empty event name within the limit. */
export function validateEventName(name: unknown, limits: Limits, field = 'event'): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ValidationError(
      field,
      `Invalid event name ${describeValue(name)}: expected a non-empty string`,
    );
  }
  if (name.length > limits.maxEventNameLength) {
    throw new ValidationError(
      field,
      `Event name ${describeValue(name)} is ${name.length} characters long; the limit is ${limits.maxEventNameLength} (limits.maxEventNameLength)`,
      limits.maxEventNameLength,
    );
  }
  return name;
}

/**
 * Throws a ValidationError when the data string sent (after encryption) is larger than
 * `limits.maxEventDataBytes` UTF-8 bytes.
 */
export function validateDataSize(data: string, limits: Limits, field = 'data'): void {
  const max = limits.maxEventDataBytes;
  // Each UTF-16 code unit is at most 3 UTF-8 bytes: short strings need no counting.
  if (data.length * 3 <= max) return;
  const bytes = utf8ByteLength(data);
  if (bytes > max) {
    throw new ValidationError(
      field,
      `Event data is ${bytes} bytes; the limit is ${max} bytes (limits.maxEventDataBytes)`,
      max,
    );
  }
}

/** Throws a ValidationError unless `count` channels fit in one trigger (1..maxChannelsPerTrigger). */
export function validateChannelCount(count: number, limits: Limits, field = 'channels'): void {
  if (count === 0) {
    throw new ValidationError(field, 'At least one channel is required');
  }
  if (count > limits.maxChannelsPerTrigger) {
    throw new ValidationError(
      field,
      `Cannot trigger on ${count} channels at once; the limit is ${limits.maxChannelsPerTrigger} (limits.maxChannelsPerTrigger; use triggerMany to split)`,
      limits.maxChannelsPerTrigger,
    );
  }
}

/** Throws a ValidationError unless a batch has 1..maxBatchEvents events. */
export function validateBatchSize(count: number, limits: Limits, field = 'batch'): void {
  if (count === 0) throw new ValidationError(field, 'A batch needs at least one event');
  if (count > limits.maxBatchEvents) {
    throw new ValidationError(
      field,
      `A batch of ${count} events is over the limit of ${limits.maxBatchEvents} (limits.maxBatchEvents; use triggerBatchMany to split)`,
      limits.maxBatchEvents,
    );
  }
}

/**
 * Throws a ValidationError when `userInfo` (a presence member's `user_info`) serializes to more than
 * `max` UTF-8 bytes of JSON (`limits.maxPresenceUserInfoBytes`), measured as the server measures
 * it. `undefined` (no user_info) always passes.
 */
export function validateUserInfoSize(userInfo: unknown, max: number, field = 'user_info'): void {
  if (userInfo === undefined || max === Number.POSITIVE_INFINITY) return;
  let json: string | undefined;
  try {
    json = JSON.stringify(userInfo);
  } catch {
    return; // not serializable: the caller's serialization of the whole value reports it
  }
  if (json === undefined) return;
  // Each UTF-16 code unit is at most 3 UTF-8 bytes: short JSON needs no counting.
  if (json.length * 3 <= max) return;
  const bytes = utf8ByteLength(json);
  if (bytes > max) {
    throw new ValidationError(
      field,
      `Presence user_info is ${bytes} bytes of JSON; the limit is ${max} bytes (limits.maxPresenceUserInfoBytes, the server's maxPresenceUserInfoBytes)`,
      max,
    );
  }
}

/**
 * Throws a ValidationError unless `userId` is a non-empty string within `maxUserIdLength` using
 * only channel-name characters (it becomes part of `#server-to-user-<id>` and of URL paths).
 */
export function validateUserId(userId: unknown, limits: Limits, field = 'userId'): string {
  if (typeof userId !== 'string' || userId.length === 0) {
    throw new ValidationError(
      field,
      `Invalid user id ${describeValue(userId)}: expected a non-empty string`,
    );
  }
  if (userId.length > limits.maxUserIdLength) {
    throw new ValidationError(
      field,
      `User id ${describeValue(userId)} is ${userId.length} characters long; the limit is ${limits.maxUserIdLength} (limits.maxUserIdLength)`,
      limits.maxUserIdLength,
    );
  }
  if (!CHANNEL_NAME_PATTERN.test(userId)) {
    throw new ValidationError(
      field,
      `Invalid user id ${describeValue(userId)}: only A-Z a-z 0-9 _ - = @ , . ; are allowed`,
    );
  }
  return userId;
}
