/**
 * @module adapters/local/memory-state
 * Exact in-memory bookkeeping of connections, channel subscriptions and presence members with
 * per-connection reference counts. The LocalAdapter uses it as the whole cluster state; the Redis
 * adapter uses one as the mirror of its own node's sockets (the fallback while Redis is down and
 * the source it rewrites into Redis on reconnect).
 */

import type {
  ChannelState,
  MemberChange,
  MemberLimitReached,
  PresenceMember,
  SubscriptionChange,
} from '../adapter';
import { AdapterUsageError } from '../adapter-errors';

const PRESENCE_CHANNEL_PREFIX = 'presence-';

interface PresenceUser {
  readonly member: PresenceMember;
  /** Connections of this user in the channel. */
  connections: number;
}

interface PresenceRoster {
  /** socket id -> user id */
  readonly socketUsers: Map<string, string>;
  /** user id -> member and connection count, in join order */
  readonly users: Map<string, PresenceUser>;
}

interface AppState {
  readonly connections: Set<string>;
  /** channel -> subscribed socket ids */
  readonly subscriptions: Map<string, Set<string>>;
  /** presence channel -> roster */
  readonly rosters: Map<string, PresenceRoster>;
}

/** One socket's presence membership, as listed by {@link MemoryState.memberships}. */
export interface MembershipEntry {
  readonly appId: string;
  readonly channel: string;
  readonly socketId: string;
  readonly member: PresenceMember;
}

/** True for channels whose state carries a unique-user count. */
export function isPresenceChannel(channel: string): boolean {
  return channel.startsWith(PRESENCE_CHANNEL_PREFIX);
}

/** Synchronous, exact state with the transition rules of the Adapter contract. */
export class MemoryState {
  readonly #apps = new Map<string, AppState>();

  /** Adds a connection (idempotent per socket); returns the app's connection count after it. */
  addConnection(appId: string, socketId: string): number {
    const app = this.#app(appId);
    app.connections.add(socketId);
    return app.connections.size;
  }

  /** Removes a connection; returns false when it was not counted. */
  removeConnection(appId: string, socketId: string): boolean {
    const app = this.#apps.get(appId);
    if (!app) return false;
    const removed = app.connections.delete(socketId);
    this.#dropIfEmpty(appId, app);
    return removed;
  }

  connectionCount(appId: string): number {
    return this.#apps.get(appId)?.connections.size ?? 0;
  }

  /** Subscribes a socket; subscribing twice changes nothing and reports no transition. */
  addSubscription(appId: string, channel: string, socketId: string): SubscriptionChange {
    const app = this.#app(appId);
    let sockets = app.subscriptions.get(channel);
    if (!sockets) {
      sockets = new Set();
      app.subscriptions.set(channel, sockets);
    }
    const before = sockets.size;
    sockets.add(socketId);
    return { subscriptionCount: sockets.size, transitioned: before === 0 && sockets.size === 1 };
  }

  removeSubscription(
    appId: string,
    channel: string,
    socketId: string,
  ): SubscriptionChange | undefined {
    const app = this.#apps.get(appId);
    const sockets = app?.subscriptions.get(channel);
    if (!app || !sockets?.delete(socketId)) return undefined;
    if (sockets.size === 0) app.subscriptions.delete(channel);
    this.#dropIfEmpty(appId, app);
    return { subscriptionCount: sockets.size, transitioned: sockets.size === 0 };
  }

  /**
   * Adds a socket's membership. The user's first connection is the transition; the member's info
   * is the one given by that first connection (so member_removed later carries the same info as
   * member_added did). Adding the same socket again as the same user changes nothing; as another
   * user it is an {@link AdapterUsageError}. With `maxMembers` > 0, a NEW user is refused (nothing
   * changes) when the channel already has that many users.
   */
  addMember(
    appId: string,
    channel: string,
    socketId: string,
    member: PresenceMember,
    maxMembers = 0,
  ): MemberChange | MemberLimitReached {
    const app = this.#app(appId);
    let roster = app.rosters.get(channel);
    if (!roster) {
      roster = { socketUsers: new Map(), users: new Map() };
      app.rosters.set(channel, roster);
    }
    const existingUserId = roster.socketUsers.get(socketId);
    if (
      existingUserId === undefined &&
      maxMembers > 0 &&
      !roster.users.has(member.userId) &&
      roster.users.size >= maxMembers
    ) {
      return { limitReached: 'maxMembers', userCount: roster.users.size };
    }
    if (existingUserId !== undefined) {
      const existing = roster.users.get(existingUserId);
      if (existingUserId !== member.userId || !existing) {
        throw new AdapterUsageError(
          `socket ${socketId} is already a member of ${channel} as another user`,
        );
      }
      return { member: existing.member, userCount: roster.users.size, transitioned: false };
    }
    roster.socketUsers.set(socketId, member.userId);
    const user = roster.users.get(member.userId);
    if (user) {
      user.connections += 1;
      return { member: user.member, userCount: roster.users.size, transitioned: false };
    }
    const stored: PresenceMember = { userId: member.userId, userInfo: member.userInfo };
    roster.users.set(member.userId, { member: stored, connections: 1 });
    return { member: stored, userCount: roster.users.size, transitioned: true };
  }

  removeMember(appId: string, channel: string, socketId: string): MemberChange | undefined {
    const app = this.#apps.get(appId);
    const roster = app?.rosters.get(channel);
    const userId = roster?.socketUsers.get(socketId);
    if (!app || !roster || userId === undefined) return undefined;
    roster.socketUsers.delete(socketId);
    const user = roster.users.get(userId);
    if (!user) return undefined;
    user.connections -= 1;
    const transitioned = user.connections === 0;
    if (transitioned) roster.users.delete(userId);
    if (roster.socketUsers.size === 0) app.rosters.delete(channel);
    this.#dropIfEmpty(appId, app);
    return { member: user.member, userCount: roster.users.size, transitioned };
  }

  members(appId: string, channel: string): PresenceMember[] {
    const roster = this.#apps.get(appId)?.rosters.get(channel);
    return roster ? [...roster.users.values()].map((user) => user.member) : [];
  }

  /** Occupied channels (at least one subscription or membership), filtered by name prefix. */
  channels(appId: string, prefix?: string): Map<string, ChannelState> {
    const result = new Map<string, ChannelState>();
    const app = this.#apps.get(appId);
    if (!app) return result;
    const names = new Set([...app.subscriptions.keys(), ...app.rosters.keys()]);
    for (const name of names) {
      if (prefix !== undefined && !name.startsWith(prefix)) continue;
      const state = this.channel(appId, name);
      if (state) result.set(name, state);
    }
    return result;
  }

  channel(appId: string, channel: string): ChannelState | undefined {
    const app = this.#apps.get(appId);
    if (!app) return undefined;
    const subscriptionCount = app.subscriptions.get(channel)?.size ?? 0;
    const userCount = app.rosters.get(channel)?.users.size ?? 0;
    if (subscriptionCount === 0 && userCount === 0) return undefined;
    return isPresenceChannel(channel) ? { subscriptionCount, userCount } : { subscriptionCount };
  }

  /** True when the socket's connection is counted. */
  hasConnection(appId: string, socketId: string): boolean {
    return this.#apps.get(appId)?.connections.has(socketId) ?? false;
  }

  /** True when the socket is subscribed to the channel. */
  hasSubscription(appId: string, channel: string, socketId: string): boolean {
    return this.#apps.get(appId)?.subscriptions.get(channel)?.has(socketId) ?? false;
  }

  /** The member a socket is in a presence channel as, or undefined when it is not a member. */
  membership(appId: string, channel: string, socketId: string): PresenceMember | undefined {
    const roster = this.#apps.get(appId)?.rosters.get(channel);
    const userId = roster?.socketUsers.get(socketId);
    return userId === undefined ? undefined : roster?.users.get(userId)?.member;
  }

  /** Every counted connection, for rewriting a mirror into shared storage. */
  *connectionEntries(): Generator<{ readonly appId: string; readonly socketId: string }> {
    for (const [appId, app] of this.#apps) {
      for (const socketId of app.connections) yield { appId, socketId };
    }
  }

  /** Every subscription, for rewriting a mirror into shared storage. */
  *subscriptionEntries(): Generator<{
    readonly appId: string;
    readonly channel: string;
    readonly socketId: string;
  }> {
    for (const [appId, app] of this.#apps) {
      for (const [channel, sockets] of app.subscriptions) {
        for (const socketId of sockets) yield { appId, channel, socketId };
      }
    }
  }

  /** Every socket's presence membership, for rewriting a mirror into shared storage. */
  *membershipEntries(): Generator<MembershipEntry> {
    for (const [appId, app] of this.#apps) {
      for (const [channel, roster] of app.rosters) {
        for (const [socketId, userId] of roster.socketUsers) {
          const user = roster.users.get(userId);
          if (user) yield { appId, channel, socketId, member: user.member };
        }
      }
    }
  }

  clear(): void {
    this.#apps.clear();
  }

  #app(appId: string): AppState {
    let app = this.#apps.get(appId);
    if (!app) {
      app = { connections: new Set(), subscriptions: new Map(), rosters: new Map() };
      this.#apps.set(appId, app);
    }
    return app;
  }

  #dropIfEmpty(appId: string, app: AppState): void {
    if (app.connections.size === 0 && app.subscriptions.size === 0 && app.rosters.size === 0) {
      this.#apps.delete(appId);
    }
  }
}
