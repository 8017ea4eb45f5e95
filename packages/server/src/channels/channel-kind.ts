/**
 * @module channels/channel-kind
 * What kind of channel a subscribe names, by the SDK's rules ({@link parseChannelName}: grammar,
 * `maxChannelNameLength`, the one reserved `#` channel `#server-to-user-<id>` with its user id
 * within `maxUserIdLength`), each problem turned into a non-fatal `invalid_channel` ProtocolError.
 * @see https://pusher.com/docs/channels/using_channels/channels/#channel-naming-conventions
 */

import { type ChannelType, type ParsedChannelName, parseChannelName } from '@pushwire/sdk';
import { ProtocolError } from '../protocol/protocol-error';

export type ChannelKind = ChannelType;

/**
 * True for the server's own channels (`#server-to-user-<id>`, the watchlist's `#online-<id>`
 * rosters): no client names them, and channel listings leave them out.
 */
export function isInternalChannel(name: string): boolean {
  return name.startsWith('#');
}
export type ChannelInfo = ParsedChannelName;

/** The limits a subscribe's channel name is checked against (an app's limits fit). */
export interface ChannelNameLimits {
  readonly maxChannelNameLength: number;
  readonly maxUserIdLength: number;
}

/** Validates `name` and classifies it; throws a non-fatal `invalid_channel` ProtocolError. */
export function classifyChannel(name: string, limits: ChannelNameLimits): ChannelInfo {
  const parsed = parseChannelName(name, {
    maxLength: limits.maxChannelNameLength,
    maxUserIdLength: limits.maxUserIdLength,
    serverToUser: true,
  });
  if (parsed.ok) return parsed;
  switch (parsed.problem) {
    case 'empty':
      throw new ProtocolError('invalid_channel', 'Invalid channel name: empty', null);
    case 'too_long':
      throw new ProtocolError(
        'invalid_channel',
        `Invalid channel name: ${name.length} characters, the limit is ${parsed.limit}`,
        null,
      );
    case 'user_id_length':
      throw new ProtocolError(
        'invalid_channel',
        `Invalid channel name: the user id must be 1 to ${parsed.limit} characters`,
        null,
      );
    case 'charset':
      throw new ProtocolError(
        'invalid_channel',
        'Invalid channel name: only A-Z a-z 0-9 _ - = @ , . ; are allowed',
        null,
      );
  }
}
