/**
 * @module channels/names
 * Channel-name grammar, channel types by prefix, and socket id format, shared by the SDK and the
 * server. Prefixes are anchored and dash-terminated (`privateer` is a public channel).
 * @see https://pusher.com/docs/channels/using_channels/channels/#channel-naming-conventions
 */
import { ValidationError } from '../errors';

/** Characters allowed in a channel name. */
export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9_\-=@,.;]+$/;
/** A socket id as the Pusher protocol issues it. */
export const SOCKET_ID_PATTERN = /^\d+\.\d+$/;
/** ASCII codes allowed in a channel name (the pattern above, as a table: no regex per call). */
const CHANNEL_NAME_CHARS = (() => {
  const table = new Uint8Array(128);
  const allowed = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-=@,.;';
  for (let i = 0; i < allowed.length; i++) table[allowed.charCodeAt(i)] = 1;
  return table;
})();

/** Same answer as `CHANNEL_NAME_PATTERN.test(name)`, faster on the hot auth/trigger paths. */
export function isChannelNameSyntax(name: string): boolean {
  const length = name.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 128 || CHANNEL_NAME_CHARS[code] === 0) return false;
  }
  return true;
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DOT = 0x2e;

/** Same answer as `SOCKET_ID_PATTERN.test(socketId)`: digits, one dot, digits. */
export function isSocketIdSyntax(socketId: string): boolean {
  const length = socketId.length;
  let dot = -1;
  for (let i = 0; i < length; i++) {
    const code = socketId.charCodeAt(i);
    if (code === DOT) {
      if (dot >= 0) return false;
      dot = i;
    } else if (code < DIGIT_0 || code > DIGIT_9) return false;
  }
  return dot > 0 && dot < length - 1;
}

/** Prefix of the channel that carries server-to-user messages. */
export const SERVER_TO_USER_PREFIX = '#server-to-user-';

export type ChannelType =
  | 'public'
  | 'private'
  | 'presence'
  | 'private-encrypted'
  | 'server-to-user';

/** The type of a channel, from its prefix (cache channels have the type of their kind). */
export function channelType(name: string): ChannelType {
  if (name.startsWith('private-encrypted-')) return 'private-encrypted';
  if (name.startsWith('private-')) return 'private';
  if (name.startsWith('presence-')) return 'presence';
  if (name.startsWith(SERVER_TO_USER_PREFIX)) return 'server-to-user';
  return 'public';
}

/** True for cache channels: `cache-`, `private-cache-`, `private-encrypted-cache-`, `presence-cache-`. */
export function isCacheChannel(name: string): boolean {
  return (
    name.startsWith('cache-') ||
    name.startsWith('private-cache-') ||
    name.startsWith('private-encrypted-cache-') ||
    name.startsWith('presence-cache-')
  );
}

/** Shortens a user-supplied value for an error message. */
export function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `'${text.slice(0, 57)}...' (${text.length} characters)` : `'${text}'`;
}

/** What makes a channel name invalid (see {@link parseChannelName}). */
export type ChannelNameProblem =
  /** The name is empty. */
  | 'empty'
  /** The name is longer than `maxLength`. */
  | 'too_long'
  /** A character outside `A-Z a-z 0-9 _ - = @ , . ;` (in the user id of a user channel too). */
  | 'charset'
  /** The user id of a `#server-to-user-<id>` channel is empty or longer than `maxUserIdLength`. */
  | 'user_id_length';

/** A valid channel name, classified. */
export interface ParsedChannelName {
  readonly ok: true;
  readonly name: string;
  readonly type: ChannelType;
  /** True for cache channels (`cache-`, `private-cache-`, `private-encrypted-cache-`, `presence-cache-`). */
  readonly cache: boolean;
  /** True for private, encrypted and presence channels: a subscription needs a signature. */
  readonly requiresAuth: boolean;
  /** The user of a `#server-to-user-<id>` channel; undefined for every other type. */
  readonly userId: string | undefined;
}

/** Why a channel name is invalid; `limit` is the limit it broke, for the length problems. */
export interface InvalidChannelName {
  readonly ok: false;
  readonly problem: ChannelNameProblem;
  readonly limit?: number;
}

export interface ChannelNameRules {
  /** Longest name, in characters; `0` checks no length. */
  readonly maxLength: number;
  /** Longest user id of a `#server-to-user-<id>` channel, in characters. */
  readonly maxUserIdLength: number;
  /**
   * Whether `#server-to-user-<id>` names are valid: true where the server addresses a user (the
   * REST API, a connection subscribing to its own user channel); false where an app names a
   * channel (a `#` is then an invalid character).
   */
  readonly serverToUser: boolean;
}

/**
 * Pusher's channel-name rules in one place, for the SDK and the server alike: the grammar, the
 * length limits (a user channel's user id is limited instead of its name), and the type by prefix.
 * Never throws: each caller turns a problem into its own error (ValidationError, a 400, a
 * `pusher:subscription_error`).
 */
export function parseChannelName(
  name: string,
  rules: ChannelNameRules,
): ParsedChannelName | InvalidChannelName {
  if (name.length === 0) return { ok: false, problem: 'empty' };
  const userId =
    rules.serverToUser && name.startsWith(SERVER_TO_USER_PREFIX)
      ? name.slice(SERVER_TO_USER_PREFIX.length)
      : undefined;
  if (userId !== undefined) {
    if (userId.length === 0 || userId.length > rules.maxUserIdLength) {
      return { ok: false, problem: 'user_id_length', limit: rules.maxUserIdLength };
    }
    if (!isChannelNameSyntax(userId)) return { ok: false, problem: 'charset' };
    return {
      ok: true,
      name,
      type: 'server-to-user',
      cache: false,
      requiresAuth: false,
      userId,
    };
  }
  if (rules.maxLength > 0 && name.length > rules.maxLength) {
    return { ok: false, problem: 'too_long', limit: rules.maxLength };
  }
  if (!isChannelNameSyntax(name)) return { ok: false, problem: 'charset' };
  const type = channelType(name);
  return {
    ok: true,
    name,
    type,
    cache: isCacheChannel(name),
    requiresAuth: type === 'private' || type === 'presence' || type === 'private-encrypted',
    userId: undefined,
  };
}

/** The user a `#server-to-user-<id>` channel addresses, or undefined for any other channel. */
export function serverToUserId(channel: string): string | undefined {
  return channel.startsWith(SERVER_TO_USER_PREFIX)
    ? channel.slice(SERVER_TO_USER_PREFIX.length)
    : undefined;
}

/** Throws a ValidationError unless `name` is a valid channel name no longer than `maxLength`. */
export function validateChannelName(name: unknown, maxLength: number, field = 'channel'): string {
  if (typeof name !== 'string') {
    throw new ValidationError(
      field,
      `Invalid channel name ${describeValue(name)}: expected a non-empty string`,
    );
  }
  const parsed = parseChannelName(name, { maxLength, maxUserIdLength: 0, serverToUser: false });
  if (parsed.ok) return name;
  switch (parsed.problem) {
    case 'empty':
      throw new ValidationError(
        field,
        `Invalid channel name ${describeValue(name)}: expected a non-empty string`,
      );
    case 'too_long':
      throw new ValidationError(
        field,
        `Channel name ${describeValue(name)} is ${name.length} characters long; the limit is ${maxLength}`,
        maxLength,
      );
    default:
      throw new ValidationError(
        field,
        `Invalid channel name ${describeValue(name)}: only A-Z a-z 0-9 _ - = @ , . ; are allowed`,
      );
  }
}

/** Throws a ValidationError unless `socketId` matches `\d+\.\d+`. */
export function validateSocketId(socketId: unknown, field = 'socketId'): string {
  if (typeof socketId !== 'string' || !isSocketIdSyntax(socketId)) {
    throw new ValidationError(
      field,
      `Invalid socket id ${describeValue(socketId)}: expected digits.digits, e.g. '1234.5678'`,
    );
  }
  return socketId;
}
