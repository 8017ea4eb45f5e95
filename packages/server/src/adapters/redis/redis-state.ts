/**
 * @module adapters/redis/redis-state
 * The adapter's state calls, each reaching Redis directly: connections, subscriptions and presence
 * members (each changes this node's mirror first, then runs its Lua script, which returns the
 * cluster-wide transition; while Redis is unreachable the mirror's answer is returned, marked
 * `provisional`, and the added entry is flagged for announcement by the next resync), the
 * cluster-wide reads (members, channels, one channel's state), cache channels' last events
 * (`cache:A:C`, `SET … PX ttl`), cluster-wide claims (`claim:K`, `SET NX PX`) and the REST rate
 * windows (`rate:{A}:kind`, on Redis's clock). While Redis is unreachable, this node's mirror and
 * its own expiring stores and windows answer. RedisAdapter (redis-adapter.ts) extends this class
 * with its lifecycle.
 */
import type {
  CachedEvent,
  ChannelState,
  MemberChange,
  MemberLimitReached,
  MemberLimits,
  PresenceMember,
  RateLimitKind,
  RateQuota,
  SubscriptionChange,
} from '../adapter';
import { isMemberLimitReached } from '../adapter';
import { AdapterUsageError } from '../adapter-errors';
import { isPresenceChannel } from '../local/memory-state';
import type { RedisConnection } from './connection';
import type { LocalMirror } from './local-mirror';
import { encodeAppId, type RedisKeys } from './redis-keys';
import {
  parseUserInfo,
  replyArray,
  replyInt,
  replyMember,
  replyString,
  replySubscriptionChange,
  serializeUserInfo,
  UnexpectedReplyError,
} from './reply-parsing';
import { type RedisClient, runScript, type ScriptName } from './scripts';

const MS_PER_SECOND = 1000;

/** Marks an answer computed from this node's mirror while Redis is unreachable. */
function provisional<T extends SubscriptionChange | MemberChange>(change: T): T {
  return { ...change, provisional: true };
}

/** The state calls of the Redis adapter; see the module comment. */
export abstract class RedisState {
  protected constructor(
    protected readonly keys: RedisKeys,
    /** Unique id of this node in the cluster. */
    readonly nodeId: string,
    protected readonly connection: RedisConnection,
    protected readonly mirror: LocalMirror,
  ) {}

  async addConnection(appId: string, socketId: string): Promise<number> {
    const local = this.mirror.state.addConnection(appId, socketId);
    this.mirror.changed('c', appId, '', socketId);
    return this.connection.shared(
      async (redis) =>
        replyInt(
          await this.script(redis, 'addConnection', [encodeAppId(appId), socketId, this.nodeId]),
          'addConnection',
        ),
      () => local,
    );
  }

  async removeConnection(appId: string, socketId: string): Promise<void> {
    this.mirror.state.removeConnection(appId, socketId);
    this.mirror.changed('c', appId, '', socketId);
    await this.connection.shared(
      async (redis) => {
        await this.script(redis, 'removeConnection', [encodeAppId(appId), socketId]);
      },
      () => undefined,
    );
  }

  async addSubscription(
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<SubscriptionChange> {
    const local = this.mirror.state.addSubscription(appId, channel, socketId);
    this.mirror.changed('s', appId, channel, socketId);
    return this.connection.shared(
      async (redis) =>
        replySubscriptionChange(
          await this.script(redis, 'addSubscription', [
            encodeAppId(appId),
            channel,
            socketId,
            this.nodeId,
          ]),
        ),
      () => {
        this.mirror.flagUnannounced('s', appId, channel, socketId);
        return provisional(local);
      },
    );
  }

  async removeSubscription(
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<SubscriptionChange | undefined> {
    const local = this.mirror.state.removeSubscription(appId, channel, socketId);
    this.mirror.changed('s', appId, channel, socketId);
    this.mirror.unflag('s', appId, channel, socketId);
    return this.connection.shared(
      async (redis) => {
        const reply = await this.script(redis, 'removeSubscription', [
          encodeAppId(appId),
          channel,
          socketId,
        ]);
        return reply === null ? undefined : replySubscriptionChange(reply);
      },
      () => local && provisional(local),
    );
  }

  /** Adds a membership; with `maxMembers`, Redis checks the limit in the same script. */
  async addMember(
    appId: string,
    channel: string,
    socketId: string,
    member: PresenceMember,
    limits?: MemberLimits,
  ): Promise<MemberChange | MemberLimitReached> {
    const infoJson = serializeUserInfo(member.userInfo);
    const maxMembers = Math.max(0, Math.floor(limits?.maxMembers ?? 0));
    // While Redis is up it decides the limit (this node's mirror sees only its own members).
    const local = this.mirror.state.addMember(
      appId,
      channel,
      socketId,
      member,
      this.connection.up ? 0 : maxMembers,
    );
    if (isMemberLimitReached(local)) return local;
    this.mirror.changed('m', appId, channel, socketId);
    const result = await this.connection.shared<MemberChange | MemberLimitReached>(
      async (redis) => {
        const reply = replyArray(
          await this.script(redis, 'addMember', [
            encodeAppId(appId),
            channel,
            socketId,
            this.nodeId,
            member.userId,
            infoJson,
            maxMembers,
          ]),
          'addMember',
        );
        const userCount = replyInt(reply[0], 'addMember count');
        if (userCount === -2) {
          return { limitReached: 'maxMembers', userCount: replyInt(reply[1], 'addMember users') };
        }
        if (userCount < 0) {
          throw new AdapterUsageError(
            `socket ${socketId} is already a member of ${channel} as another user`,
          );
        }
        return {
          member: {
            userId: member.userId,
            userInfo: parseUserInfo(replyString(reply[2], 'addMember info')),
          },
          userCount,
          transitioned: replyInt(reply[1], 'addMember transition') === 1,
        };
      },
      () => {
        this.mirror.flagUnannounced('m', appId, channel, socketId);
        return provisional(local);
      },
    );
    if (isMemberLimitReached(result)) {
      this.mirror.state.removeMember(appId, channel, socketId);
      this.mirror.changed('m', appId, channel, socketId);
    }
    return result;
  }

  async removeMember(
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<MemberChange | undefined> {
    const local = this.mirror.state.removeMember(appId, channel, socketId);
    this.mirror.changed('m', appId, channel, socketId);
    this.mirror.unflag('m', appId, channel, socketId);
    return this.connection.shared(
      async (redis) => {
        const reply = await this.script(redis, 'removeMember', [
          encodeAppId(appId),
          channel,
          socketId,
        ]);
        if (reply === null) return undefined;
        const row = replyArray(reply, 'removeMember');
        return {
          member: replyMember(row[0], row[1], 'removeMember'),
          userCount: replyInt(row[2], 'removeMember count'),
          transitioned: replyInt(row[3], 'removeMember transition') === 1,
        };
      },
      () => local && provisional(local),
    );
  }

  async members(appId: string, channel: string): Promise<PresenceMember[]> {
    return this.connection.shared(
      async (redis) => {
        const flat = replyArray(
          await this.script(redis, 'members', [encodeAppId(appId), channel]),
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
          await this.script(redis, 'channels', [encodeAppId(appId), prefix ?? '']),
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
          await this.script(redis, 'channelState', [encodeAppId(appId), channel]),
          'channel',
        );
        return channelState(channel, reply[0], reply[1]);
      },
      () => this.mirror.state.channel(appId, channel),
    );
  }

  async setCachedEvent(
    appId: string,
    channel: string,
    event: CachedEvent,
    ttlSec: number,
  ): Promise<void> {
    const stored: CachedEvent = { event: event.event, data: event.data };
    this.mirror.cache.set(mirrorCacheKey(appId, channel), stored, ttlSec);
    await this.connection.shared(
      async (redis) => {
        await redis.set(
          this.keys.cache(appId, channel),
          JSON.stringify(stored),
          'PX',
          ttlMs(ttlSec),
        );
      },
      () => undefined,
    );
  }

  async cachedEvent(
    appId: string,
    channel: string,
  ): Promise<{ readonly event: CachedEvent; readonly ttlSec: number } | undefined> {
    return this.connection.shared(
      async (redis) => {
        const key = this.keys.cache(appId, channel);
        const [text, remainingMs] = await Promise.all([redis.get(key), redis.pttl(key)]);
        if (text === null || remainingMs <= 0) return undefined;
        const event = parseCachedEvent(text);
        return event && { event, ttlSec: Math.ceil(remainingMs / MS_PER_SECOND) };
      },
      () => {
        const entry = this.mirror.cache.get(mirrorCacheKey(appId, channel));
        return entry && { event: entry.value, ttlSec: entry.ttlSec };
      },
    );
  }

  async claimOnce(key: string, ttlSec: number): Promise<boolean> {
    return this.connection.shared(
      async (redis) =>
        (await redis.set(this.keys.claim(key), this.nodeId, 'PX', ttlMs(ttlSec), 'NX')) === 'OK',
      () => this.mirror.claims.setIfAbsent(key, true, ttlSec),
    );
  }

  async takeRateQuota(
    appId: string,
    kind: RateLimitKind,
    units: number,
    limit: number,
  ): Promise<RateQuota> {
    const wanted = Math.max(0, Math.floor(units));
    return this.connection.shared(
      async (redis) => {
        const reply = replyArray(
          await runScript(redis, 'rateQuota', this.keys.rate(appId, kind), [wanted, limit]),
          'rate quota',
        );
        const granted = replyInt(reply[0], 'granted units');
        const window = replyInt(reply[1], 'rate window');
        const resetInMs = replyInt(reply[2], 'rate window reset');
        if (granted < 0 || granted > wanted || resetInMs < 1 || resetInMs > 1000) {
          throw new UnexpectedReplyError('rate quota: values out of range');
        }
        return { granted, window, resetInMs };
      },
      () => this.mirror.rates.take(appId, kind, wanted, limit),
    );
  }

  /** Runs a state script: its key is the anchor of the state slot, ARGV starts with the prefix. */
  private script(
    redis: RedisClient,
    name: ScriptName,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    return runScript(redis, name, this.keys.anchor, [this.keys.state, ...args]);
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

function ttlMs(ttlSec: number): number {
  return Math.max(1, Math.round(ttlSec * MS_PER_SECOND));
}

function parseCachedEvent(text: string): CachedEvent | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const record = parsed as Record<string, unknown>;
    const event = record['event'];
    const data = record['data'];
    return typeof event === 'string' && typeof data === 'string' ? { event, data } : undefined;
  } catch {
    return undefined;
  }
}

/** The key of a cached event in this node's own store. */
function mirrorCacheKey(appId: string, channel: string): string {
  return `${encodeAppId(appId)}:${channel}`;
}
