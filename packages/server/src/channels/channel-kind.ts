/**
 * @module channels/channel-kind
 * What kind of channel a subscribe names, with the name validated first: charset
 * `[A-Za-z0-9_\-=@,.;]`, the app's `maxChannelNameLength`, and the one reserved `#` channel,
 * `#server-to-user-<id>`. Prefixes are anchored and dash-terminated (via the SDK's `channelType`).
 * @see https://pusher.com/docs/channels/using_channels/channels/#channel-naming-conventions
 */

import { CHANNEL_NAME_PATTERN, channelType, isCacheChannel } from '@pushwire/sdk';
import { ProtocolError } from '../protocol/protocol-error';

export const SERVER_TO_USER_CHANNEL_PREFIX = '#server-to-user-';

export type ChannelKind =
  | 'public'
  | 'private'
  | 'presence'
  | 'private-encrypted'
  | 'server-to-user';

export interface ChannelInfo {
  readonly name: string;
  readonly kind: ChannelKind;
  readonly cache: boolean;
  /** True for private, encrypted and presence channels (a signature is required). */
  readonly requiresAuth: boolean;
}

/** Validates `name` and classifies it; throws a non-fatal `invalid_channel` ProtocolError. */
export function classifyChannel(name: string, maxLength: number): ChannelInfo {
  if (name.length === 0) {
    throw new ProtocolError('invalid_channel', 'Invalid channel name: empty', null);
  }
  if (maxLength > 0 && name.length > maxLength) {
    throw new ProtocolError(
      'invalid_channel',
      `Invalid channel name: ${name.length} characters, the limit is ${maxLength}`,
      null,
    );
  }
  const checked = name.startsWith(SERVER_TO_USER_CHANNEL_PREFIX)
    ? name.slice(SERVER_TO_USER_CHANNEL_PREFIX.length)
    : name;
  if (checked.length === 0 || !CHANNEL_NAME_PATTERN.test(checked)) {
    throw new ProtocolError(
      'invalid_channel',
      'Invalid channel name: only A-Z a-z 0-9 _ - = @ , . ; are allowed',
      null,
    );
  }
  const kind = channelType(name);
  return {
    name,
    kind,
    cache: isCacheChannel(name),
    requiresAuth: kind === 'private' || kind === 'presence' || kind === 'private-encrypted',
  };
}

/** The user id a `#server-to-user-<id>` channel belongs to. */
export function serverToUserId(channel: string): string | undefined {
  return channel.startsWith(SERVER_TO_USER_CHANNEL_PREFIX)
    ? channel.slice(SERVER_TO_USER_CHANNEL_PREFIX.length)
    : undefined;
}
