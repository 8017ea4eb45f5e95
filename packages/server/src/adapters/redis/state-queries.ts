/**
 * @module adapters/redis/state-queries
 * The cluster-wide reads: a presence channel's members, the occupied channels of an app and one
 * channel's state, each one Lua script; while Redis is unreachable, this node's mirror answers.
 */
import type { ChannelState, PresenceMember } from '../adapter';
import { isPresenceChannel } from '../local/memory-state';
import type { RedisConnection } from './connection';
import type { LocalMirror } from './local-mirror';
import { encodeAppId } from './redis-keys';
import { replyArray, replyInt, replyMember, replyString } from './reply-parsing';
import { SCRIPTS } from './scripts';

/** Members, channels and channel state; see the module comment. */
export class StateQueries {
  constructor(
    private readonly prefix: string,
    private readonly connection: RedisConnection,
    private readonly mirror: LocalMirror,
  ) {}

  async members(appId: string, channel: string): Promise<PresenceMember[]> {
    return this.connection.shared(
      async (redis) => {
        const flat = replyArray(
          await SCRIPTS.members.run(redis, [this.prefix, encodeAppId(appId), channel]),
          'members',
        );
        const members: PresenceMember[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) {
          members.push(replyMember(flat[i], flat[i + 1], 'member'));
        }
        return members;
      },
      () => this.mirror.state.members(appId, channel),
    );
  }

  async channels(appId: string, prefix?: string): Promise<Map<string, ChannelState>> {
    return this.connection.shared(
      async (redis) => {
        const flat = replyArray(
          await SCRIPTS.channels.run(redis, [this.prefix, encodeAppId(appId), prefix ?? '']),
          'channels',
        );
        const result = new Map<string, ChannelState>();
        for (let i = 0; i + 2 < flat.length; i += 3) {
          const name = replyString(flat[i], 'channel name');
          const state = channelState(name, flat[i + 1], flat[i + 2]);
          if (state) result.set(name, state);
        }
        return result;
      },
      () => this.mirror.state.channels(appId, prefix),
    );
  }

  async channel(appId: string, channel: string): Promise<ChannelState | undefined> {
    return this.connection.shared(
      async (redis) => {
        const reply = replyArray(
          await SCRIPTS.channelState.run(redis, [this.prefix, encodeAppId(appId), channel]),
          'channel',
        );
        return channelState(channel, reply[0], reply[1]);
      },
      () => this.mirror.state.channel(appId, channel),
    );
  }
}

/** A channel's state from its count replies; undefined when unoccupied. */
function channelState(
  channel: string,
  subscriptionCountReply: unknown,
  userCountReply: unknown,
): ChannelState | undefined {
  const subscriptionCount = replyInt(subscriptionCountReply, 'subscription count');
  const userCount = replyInt(userCountReply, 'user count');
  if (subscriptionCount === 0 && userCount === 0) return undefined;
  return isPresenceChannel(channel) ? { subscriptionCount, userCount } : { subscriptionCount };
}
