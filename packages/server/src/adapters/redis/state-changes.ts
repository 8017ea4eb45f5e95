/**
 * @module adapters/redis/state-changes
 * The state-changing calls: connections, subscriptions and presence members. Each changes this
 * node's mirror first, then runs its Lua script (which returns the cluster-wide transition); while
 * Redis is unreachable the mirror's answer is returned, marked `provisional`, and the added entry
 * is flagged for announcement by the next resync.
 */
import type {
  MemberChange,
  MemberLimitReached,
  MemberLimits,
  PresenceMember,
  SubscriptionChange,
} from '../adapter';
import { isMemberLimitReached } from '../adapter';
import { AdapterUsageError } from '../adapter-errors';
import type { RedisConnection } from './connection';
import type { LocalMirror } from './local-mirror';
import { encodeAppId } from './redis-keys';
import {
  parseUserInfo,
  replyArray,
  replyInt,
  replyMember,
  replyString,
  replySubscriptionChange,
  serializeUserInfo,
} from './reply-parsing';
import { SCRIPTS } from './scripts';

/** Marks an answer computed from this node's mirror while Redis is unreachable. */
function provisional<T extends SubscriptionChange | MemberChange>(change: T): T {
  return { ...change, provisional: true };
}

/** Connection, subscription and membership changes; see the module comment. */
export class StateChanges {
  constructor(
    private readonly prefix: string,
    private readonly nodeId: string,
    private readonly connection: RedisConnection,
    private readonly mirror: LocalMirror,
  ) {}

  async addConnection(appId: string, socketId: string): Promise<number> {
    const local = this.mirror.state.addConnection(appId, socketId);
    this.mirror.changed('c', appId, '', socketId);
    return this.connection.shared(
      async (redis) =>
        replyInt(
          await SCRIPTS.addConnection.run(redis, [
            this.prefix,
            encodeAppId(appId),
            socketId,
            this.nodeId,
          ]),
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
        await SCRIPTS.removeConnection.run(redis, [this.prefix, encodeAppId(appId), socketId]);
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
          await SCRIPTS.addSubscription.run(redis, [
            ...this.entryArgs(appId, channel, socketId),
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
        const reply = await SCRIPTS.removeSubscription.run(
          redis,
          this.entryArgs(appId, channel, socketId),
        );
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
          await SCRIPTS.addMember.run(redis, [
            ...this.entryArgs(appId, channel, socketId),
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
        const reply = await SCRIPTS.removeMember.run(
          redis,
          this.entryArgs(appId, channel, socketId),
        );
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

  /** The leading script arguments that name one socket's entry in a channel. */
  private entryArgs(appId: string, channel: string, socketId: string): string[] {
    return [this.prefix, encodeAppId(appId), channel, socketId];
  }
}
