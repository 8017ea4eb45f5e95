/**
 * @module auth/authorize-channel
 * Channel authorization: the `{ auth, channel_data?, shared_secret? }` answer a server gives
 * pusher-js for a private, presence or `private-encrypted-*` channel subscription. Public and
 * server-to-user channels need no authorization and are refused.
 */
import {
  channelType,
  describeValue,
  validateChannelName,
  validateSocketId,
} from '../channels/names';
import { ConfigurationError, ValidationError } from '../errors';
import { channelAuthSignature, sharedSecretFor } from '../signing/auth';
import { presenceChannelData } from './presence-data';
import type { AuthContext, ChannelAuthResponse, PresenceData } from './types';

function requireNoPresenceData(channel: string, presenceData: unknown): void {
  if (presenceData !== undefined && presenceData !== null) {
    throw new ValidationError(
      'presenceData',
      `Presence data is only for presence- channels; ${describeValue(channel)} is not one`,
    );
  }
}

/**
 * Authorizes `socketId` to subscribe to `channel`. Presence channels require `presenceData` with
 * a non-empty `user_id` and a `user_info` within `ctx.limits.maxPresenceUserInfoBytes` bytes of
 * JSON (the server's limit); other channels must not get it. Encrypted channels need
 * `ctx.masterKey`.
 */
export function authorizeChannel(
  ctx: AuthContext,
  socketId: string,
  channel: string,
  presenceData?: PresenceData | string,
): ChannelAuthResponse {
  validateSocketId(socketId);
  const type = typeof channel === 'string' ? channelType(channel) : 'public';
  if (type === 'server-to-user') {
    throw new ValidationError(
      'channel',
      `${describeValue(channel)} is a server-to-user channel: clients join it through user authentication (signin), not channel authorization`,
    );
  }
  validateChannelName(channel, ctx.limits.maxChannelNameLength);
  switch (type) {
    case 'public':
      throw new ValidationError(
        'channel',
        `${describeValue(channel)} is a public channel and needs no authorization; only private-, presence- and private-encrypted- channels do`,
      );
    case 'presence': {
      const channelData = presenceChannelData(
        presenceData,
        ctx.limits.maxUserIdLength,
        ctx.limits.maxPresenceUserInfoBytes,
      );
      const auth = channelAuthSignature({
        key: ctx.key,
        secret: ctx.secret,
        socketId,
        channel,
        channelData,
      });
      return { auth, channel_data: channelData };
    }
    case 'private-encrypted': {
      requireNoPresenceData(channel, presenceData);
      if (ctx.masterKey === undefined) {
        throw new ConfigurationError(
          'encryptionMasterKeyBase64',
          `Cannot authorize ${describeValue(channel)}: set encryptionMasterKeyBase64 to use private-encrypted- channels`,
        );
      }
      const auth = channelAuthSignature({ key: ctx.key, secret: ctx.secret, socketId, channel });
      return { auth, shared_secret: sharedSecretFor(channel, ctx.masterKey) };
    }
    default: {
      requireNoPresenceData(channel, presenceData);
      return {
        auth: channelAuthSignature({ key: ctx.key, secret: ctx.secret, socketId, channel }),
      };
    }
  }
}
