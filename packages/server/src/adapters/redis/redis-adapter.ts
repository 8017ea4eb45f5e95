/**
 * @module adapters/redis/redis-adapter
 * The scale-out adapter: Redis pub/sub carries channel messages and user terminations between nodes;
 * Redis hashes and sets hold the cluster-wide subscriptions, presence members and connection counts,
 * changed atomically by Lua scripts that report each transition to exactly one caller. Nodes send
 * heartbeats; a survivor reaps a silent node's entries and reports them through `clusterChanged`
 * (or `orphansRemoved` for handlers without it). This node's own state is mirrored in memory at all
 * times, so while Redis is down the node keeps serving its local clients from the mirror (answers
 * marked `provisional`) and, when Redis returns, rewrites the mirror into Redis and reports the
 * additions and removals that resulted cluster-wide.
 * See packages/server/docs/scaling.md for the design.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type {
  Adapter,
  AdapterHandlers,
  AdapterHealth,
  CachedEvent,
  ChannelMessage,
  ChannelState,
  ClusterChange,
  MemberChange,
  MemberLimitReached,
  MemberLimits,
  OrphanChange,
  PresenceMember,
  SubscriptionChange,
} from '../adapter';
import { isMemberLimitReached } from '../adapter';
import { AdapterUsageError } from '../adapter-errors';
import { ExpiringStore } from '../local/expiring-store';
import { isPresenceChannel, MemoryState } from '../local/memory-state';
import { encodePublish, encodeTerminate, parseEnvelope } from './envelope';
import {
  ADD_CONNECTION,
  ADD_MEMBER,
  ADD_SUBSCRIPTION,
  CHANNEL_STATE,
  CHANNELS,
  HEARTBEAT,
  MEMBERS,
  PENDING_CHANGES,
  REAP_NODE,
  REMOVE_CONNECTION,
  REMOVE_MEMBER,
  REMOVE_SUBSCRIPTION,
  RESYNC_NODE,
} from './lua-scripts';
import {
  type AdapterLogger,
  type RedisAdapterOptions,
  type ResolvedRedisAdapterOptions,
  resolveRedisAdapterOptions,
} from './redis-adapter-options';
import { busChannel, cacheKey, claimKey, decodeAppId, encodeAppId } from './redis-keys';
import {
  parseUserInfo,
  replyArray,
  replyInt,
  replyString,
  UnexpectedReplyError,
} from './reply-parsing';
import { LuaScript } from './script-runner';

const MAX_RECONNECT_DELAY_MS = 1000;
const RECONNECT_STEP_MS = 100;
const MS_PER_SECOND = 1000;
/** Resync passes after which a mirror that keeps changing is written anyway (next tick retries). */
const MAX_RESYNC_PASSES = 5;

const SILENT_LOGGER: AdapterLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

const SCRIPTS = {
  addConnection: new LuaScript(ADD_CONNECTION),
  removeConnection: new LuaScript(REMOVE_CONNECTION),
  addSubscription: new LuaScript(ADD_SUBSCRIPTION),
  removeSubscription: new LuaScript(REMOVE_SUBSCRIPTION),
  addMember: new LuaScript(ADD_MEMBER),
  removeMember: new LuaScript(REMOVE_MEMBER),
  channelState: new LuaScript(CHANNEL_STATE),
  channels: new LuaScript(CHANNELS),
  members: new LuaScript(MEMBERS),
  heartbeat: new LuaScript(HEARTBEAT),
  reapNode: new LuaScript(REAP_NODE),
  resyncNode: new LuaScript(RESYNC_NODE),
  pendingChanges: new LuaScript(PENDING_CHANGES),
} as const;

/** Error text safe for logs and health: credentials in a URL are masked. */
function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\/\/[^@\s/]*@/g, '//***@');
}

function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * RECONNECT_STEP_MS, MAX_RECONNECT_DELAY_MS);
}

/** Cluster adapter on Redis; see the module comment. */
export class RedisAdapter implements Adapter {
  readonly nodeId: string;
  private readonly config: ResolvedRedisAdapterOptions;
  private readonly logger: AdapterLogger;
  private readonly prefix: string;
  private readonly bus: string;
  private readonly mirror = new MemoryState();
  private readonly mirrorCache = new ExpiringStore<CachedEvent>(Date.now);
  private readonly mirrorClaims = new ExpiringStore<true>(Date.now);
  /** Bumped on every mirror change, so a resync can tell whether it wrote a stale snapshot. */
  private mirrorVersion = 0;
  /**
   * Mirror entries (see {@link entryKey}) added while Redis was unreachable: the cluster has not
   * heard of them, so the next resync reports them as additions.
   */
  private readonly unannounced = new Set<string>();
  private commands: Redis | undefined;
  private subscriber: Redis | undefined;
  private handlers: AdapterHandlers | undefined;
  private up = false;
  private needsResync = true;
  private outageLogged = false;
  private currentHealth: AdapterHealth = { ok: false, detail: 'not started' };
  private ticking: Promise<void> | undefined;
  private tickRequested = false;
  private timer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  /** healthChanged reports changes after start() resolved; start's outcome is read via health(). */
  private reportHealth = false;

  constructor(options: RedisAdapterOptions) {
    this.config = resolveRedisAdapterOptions(options);
    this.nodeId = this.config.nodeId;
    this.logger = this.config.logger ?? SILENT_LOGGER;
    this.prefix = this.config.keyPrefix;
    this.bus = busChannel(this.prefix);
  }

  async start(handlers: AdapterHandlers): Promise<void> {
    if (this.handlers) throw new AdapterUsageError('RedisAdapter.start() was called twice');
    this.handlers = handlers;
    const commands = this.createClient({ enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const subscriber = this.createClient({});
    this.commands = commands;
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, text: string) => this.onBusMessage(channel, text));
    for (const client of [commands, subscriber]) {
      client.on('error', (error: unknown) => this.markDown(error));
      client.on('close', () => this.markDown(new Error('connection closed')));
      client.on('ready', () => {
        void this.tick();
      });
    }
    await Promise.allSettled([commands.connect(), subscriber.connect()]);
    const subscribed = subscriber.subscribe(this.bus);
    if (subscriber.status === 'ready') {
      await subscribed.catch((error: unknown) => this.markDown(error));
    } else {
      subscribed.catch((error: unknown) => this.markDown(error));
    }
    await this.tick();
    if (!this.up) {
      this.outageLogged = true;
      this.logger.error('redis adapter started without redis: serving local clients only', {
        nodeId: this.nodeId,
        detail: this.currentHealth.detail,
      });
    }
    this.reportHealth = true;
    this.timer = setInterval(() => {
      void this.tick();
    }, this.config.heartbeatIntervalMs);
    this.timer.unref();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  health(): AdapterHealth {
    return this.currentHealth;
  }

  publish(message: ChannelMessage): void {
    if (this.closing) return;
    const handlers = this.started();
    try {
      handlers.deliver(message);
    } finally {
      const commands = this.commands;
      if (this.up && commands) {
        commands
          .publish(this.bus, encodePublish(this.nodeId, message))
          .catch((error: unknown) => this.markDown(error));
      }
    }
  }

  async terminateUser(appId: string, userId: string): Promise<void> {
    if (this.closing) return;
    this.started().terminateUser(appId, userId);
    await this.shared(
      async (redis) => {
        await redis.publish(this.bus, encodeTerminate(this.nodeId, appId, userId));
      },
      () => undefined,
    );
  }

  async addConnection(appId: string, socketId: string): Promise<number> {
    const local = this.mirror.addConnection(appId, socketId);
    this.mirrorVersion++;
    return this.shared(
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
    this.mirror.removeConnection(appId, socketId);
    this.mirrorVersion++;
    await this.shared(
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
    const local = this.mirror.addSubscription(appId, channel, socketId);
    this.mirrorVersion++;
    return this.shared(
      async (redis) =>
        parseSubscriptionChange(
          await SCRIPTS.addSubscription.run(redis, [
            this.prefix,
            encodeAppId(appId),
            channel,
            socketId,
            this.nodeId,
          ]),
        ),
      () => {
        this.unannounced.add(entryKey('s', appId, channel, socketId));
        return provisional(local);
      },
    );
  }

  async removeSubscription(
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<SubscriptionChange | undefined> {
    const local = this.mirror.removeSubscription(appId, channel, socketId);
    this.mirrorVersion++;
    this.unannounced.delete(entryKey('s', appId, channel, socketId));
    return this.shared(
      async (redis) => {
        const reply = await SCRIPTS.removeSubscription.run(redis, [
          this.prefix,
          encodeAppId(appId),
          channel,
          socketId,
        ]);
        return reply === null ? undefined : parseSubscriptionChange(reply);
      },
      () => local && provisional(local),
    );
  }

  addMember(
    appId: string,
    channel: string,
    socketId: string,
    member: PresenceMember,
  ): Promise<MemberChange>;
  addMember(
    appId: string,
    channel: string,
    socketId: string,
    member: PresenceMember,
    limits: MemberLimits,
  ): Promise<MemberChange | MemberLimitReached>;
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
    const local = this.mirror.addMember(appId, channel, socketId, member, this.up ? 0 : maxMembers);
    if (isMemberLimitReached(local)) return local;
    this.mirrorVersion++;
    const result = await this.shared<MemberChange | MemberLimitReached>(
      async (redis) => {
        const reply = replyArray(
          await SCRIPTS.addMember.run(redis, [
            this.prefix,
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
        this.unannounced.add(entryKey('m', appId, channel, socketId));
        return provisional(local);
      },
    );
    if (isMemberLimitReached(result)) {
      this.mirror.removeMember(appId, channel, socketId);
      this.mirrorVersion++;
    }
    return result;
  }

  async removeMember(
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<MemberChange | undefined> {
    const local = this.mirror.removeMember(appId, channel, socketId);
    this.mirrorVersion++;
    this.unannounced.delete(entryKey('m', appId, channel, socketId));
    return this.shared(
      async (redis) => {
        const reply = await SCRIPTS.removeMember.run(redis, [
          this.prefix,
          encodeAppId(appId),
          channel,
          socketId,
        ]);
        if (reply === null) return undefined;
        const row = replyArray(reply, 'removeMember');
        return {
          member: {
            userId: replyString(row[0], 'removeMember user'),
            userInfo: parseUserInfo(replyString(row[1], 'removeMember info')),
          },
          userCount: replyInt(row[2], 'removeMember count'),
          transitioned: replyInt(row[3], 'removeMember transition') === 1,
        };
      },
      () => local && provisional(local),
    );
  }

  async members(appId: string, channel: string): Promise<PresenceMember[]> {
    return this.shared(
      async (redis) => {
        const flat = replyArray(
          await SCRIPTS.members.run(redis, [this.prefix, encodeAppId(appId), channel]),
          'members',
        );
        const members: PresenceMember[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) {
          members.push({
            userId: replyString(flat[i], 'member user'),
            userInfo: parseUserInfo(replyString(flat[i + 1], 'member info')),
          });
        }
        return members;
      },
      () => this.mirror.members(appId, channel),
    );
  }

  async channels(appId: string, prefix?: string): Promise<Map<string, ChannelState>> {
    return this.shared(
      async (redis) => {
        const flat = replyArray(
          await SCRIPTS.channels.run(redis, [this.prefix, encodeAppId(appId), prefix ?? '']),
          'channels',
        );
        const result = new Map<string, ChannelState>();
        for (let i = 0; i + 2 < flat.length; i += 3) {
          const name = replyString(flat[i], 'channel name');
          const state = channelState(
            name,
            replyInt(flat[i + 1], 'subscription count'),
            replyInt(flat[i + 2], 'user count'),
          );
          if (state) result.set(name, state);
        }
        return result;
      },
      () => this.mirror.channels(appId, prefix),
    );
  }

  async channel(appId: string, channel: string): Promise<ChannelState | undefined> {
    return this.shared(
      async (redis) => {
        const reply = replyArray(
          await SCRIPTS.channelState.run(redis, [this.prefix, encodeAppId(appId), channel]),
          'channel',
        );
        return channelState(
          channel,
          replyInt(reply[0], 'subscription count'),
          replyInt(reply[1], 'user count'),
        );
      },
      () => this.mirror.channel(appId, channel),
    );
  }

  async setCachedEvent(
    appId: string,
    channel: string,
    event: CachedEvent,
    ttlSec: number,
  ): Promise<void> {
    const stored: CachedEvent = { event: event.event, data: event.data };
    this.mirrorCache.set(cacheKey('', appId, channel), stored, ttlSec);
    await this.shared(
      async (redis) => {
        await redis.set(
          cacheKey(this.prefix, appId, channel),
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
    return this.shared(
      async (redis) => {
        const key = cacheKey(this.prefix, appId, channel);
        const [text, remainingMs] = await Promise.all([redis.get(key), redis.pttl(key)]);
        if (text === null || remainingMs <= 0) return undefined;
        const event = parseCachedEvent(text);
        return event && { event, ttlSec: Math.ceil(remainingMs / MS_PER_SECOND) };
      },
      () => {
        const entry = this.mirrorCache.get(cacheKey('', appId, channel));
        return entry && { event: entry.value, ttlSec: entry.ttlSec };
      },
    );
  }

  async claimOnce(key: string, ttlSec: number): Promise<boolean> {
    return this.shared(
      async (redis) =>
        (await redis.set(claimKey(this.prefix, key), this.nodeId, 'PX', ttlMs(ttlSec), 'NX')) ===
        'OK',
      () => this.mirrorClaims.setIfAbsent(key, true, ttlSec),
    );
  }

  /** Runs a Redis operation while Redis is up; otherwise, or when it fails, answers locally. */
  private async shared<T>(operation: (redis: Redis) => Promise<T>, local: () => T): Promise<T> {
    const commands = this.commands;
    if (!this.up || !commands || this.closing) return local();
    try {
      return await operation(commands);
    } catch (error) {
      if (error instanceof AdapterUsageError) throw error;
      this.markDown(error);
      return local();
    }
  }

  private started(): AdapterHandlers {
    if (!this.handlers) throw new AdapterUsageError('RedisAdapter used before start()');
    return this.handlers;
  }

  private createClient(overrides: Partial<RedisOptions>): Redis {
    const options: Partial<RedisOptions> = {
      lazyConnect: true,
      commandTimeout: this.config.commandTimeoutMs,
      retryStrategy: reconnectDelayMs,
      ...overrides,
    };
    const { connection } = this.config;
    return 'redis' in connection
      ? connection.redis.duplicate(options)
      : new Redis(connection.url, options);
  }

  private onBusMessage(channel: string, text: string): void {
    if (channel !== this.bus || this.closing) return;
    const envelope = parseEnvelope(text);
    if (!envelope) {
      this.logger.warn('redis adapter ignored an unreadable bus message', { nodeId: this.nodeId });
      return;
    }
    if (envelope.nodeId === this.nodeId || !this.handlers) return;
    try {
      if (envelope.kind === 'publish') this.handlers.deliver(envelope.message);
      else this.handlers.terminateUser(envelope.appId, envelope.userId);
    } catch (error) {
      this.logger.error('delivering a message from another node failed', {
        nodeId: this.nodeId,
        error: describeError(error),
      });
    }
  }

  /** Redis is unreachable: answer from the mirror, log once per outage, report unhealthy. */
  private markDown(error: unknown): void {
    if (this.closing || !this.handlers) return;
    this.needsResync = true;
    this.up = false;
    const detail = `redis unavailable: ${describeError(error)}`;
    // While starting, start() itself reports a failure to connect (once).
    if (!this.outageLogged && this.reportHealth) {
      this.outageLogged = true;
      this.logger.error('redis adapter lost redis: serving local clients only until it is back', {
        nodeId: this.nodeId,
        detail,
      });
    }
    this.setHealth({ ok: false, detail });
  }

  private markUp(): void {
    this.up = true;
    if (this.outageLogged) {
      this.outageLogged = false;
      this.logger.info('redis adapter reconnected and resynchronized', { nodeId: this.nodeId });
    }
    this.setHealth({ ok: true });
  }

  private setHealth(health: AdapterHealth): void {
    const changed = health.ok !== this.currentHealth.ok;
    this.currentHealth = health;
    if (!changed || !this.reportHealth) return;
    try {
      this.handlers?.healthChanged?.(health);
    } catch (error) {
      this.logger.error('healthChanged handler failed', { error: describeError(error) });
    }
  }

  /** Heartbeat, recovery and reaping; runs one at a time, and again if asked meanwhile. */
  private tick(): Promise<void> {
    if (this.ticking) {
      this.tickRequested = true;
      return this.ticking;
    }
    this.ticking = (async () => {
      do {
        this.tickRequested = false;
        await this.runTick();
      } while (this.tickRequested && !this.closing);
    })().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async runTick(): Promise<void> {
    const commands = this.commands;
    const subscriber = this.subscriber;
    if (this.closing || !commands || !subscriber) return;
    if (commands.status !== 'ready' || subscriber.status !== 'ready') {
      this.markDown(new Error(`connection ${commands.status}`));
      return;
    }
    try {
      if (this.needsResync) await this.resync(commands);
      const reply = replyArray(
        await SCRIPTS.heartbeat.run(commands, [
          this.prefix,
          this.nodeId,
          this.config.nodeTimeoutMs,
        ]),
        'heartbeat',
      );
      if (replyInt(reply[0], 'heartbeat registered') === 0) {
        this.logger.warn('this node was declared dead by the cluster: registering again', {
          nodeId: this.nodeId,
        });
        await this.resync(commands);
      }
      for (const dead of replyArray(reply[1], 'dead nodes')) {
        const deadNodeId = replyString(dead, 'dead node');
        if (deadNodeId !== this.nodeId) await this.reap(commands, deadNodeId);
      }
      await this.reportPending(commands);
    } catch (error) {
      if (error instanceof UnexpectedReplyError) {
        this.logger.error('redis adapter got an unexpected reply', { detail: error.message });
      }
      this.markDown(error);
    }
  }

  /** Rewrites this node's mirror into Redis (removing what it no longer holds), then marks up. */
  private async resync(commands: Redis): Promise<void> {
    for (let pass = 0; pass < MAX_RESYNC_PASSES; pass++) {
      const version = this.mirrorVersion;
      const announced = [...this.unannounced];
      await SCRIPTS.resyncNode.run(commands, [this.prefix, this.nodeId, ...this.mirrorArguments()]);
      // Written (and reported when missing): later passes no longer flag them.
      for (const key of announced) this.unannounced.delete(key);
      if (version === this.mirrorVersion) break;
    }
    // Up before reporting: the announcements of the reported changes must reach the other nodes.
    this.needsResync = false;
    this.markUp();
    await this.reportPending(commands);
  }

  private async reap(commands: Redis, deadNodeId: string): Promise<void> {
    const count = await SCRIPTS.reapNode.run(commands, [
      this.prefix,
      deadNodeId,
      this.config.nodeTimeoutMs,
      '0',
      this.nodeId,
    ]);
    if (count === null) return;
    this.logger.warn('removed the connections of a dead node', {
      nodeId: this.nodeId,
      deadNodeId,
      changes: replyInt(count, 'reap'),
    });
    await this.reportPending(commands);
  }

  /**
   * Reports the changes a reap or resync left in this node's pending list, then trims exactly
   * those. At least once: if the trim is lost, they are reported again on the next tick.
   */
  private async reportPending(commands: Redis): Promise<void> {
    const rows = replyArray(
      await SCRIPTS.pendingChanges.run(commands, [this.prefix, this.nodeId]),
      'pending changes',
    );
    if (rows.length === 0) return;
    const changes = parseChanges(
      rows.map((row) => JSON.parse(replyString(row, 'pending change')) as unknown),
    );
    if (this.handlers && changes.length > 0) reportChanges(this.handlers, changes, this.logger);
    await commands.ltrim(`${this.prefix}pending:${this.nodeId}`, rows.length, -1);
  }

  /** The mirror as RESYNC_NODE arguments: (kind, app, channel, socket, user, info, flag) groups. */
  private mirrorArguments(): string[] {
    const args: string[] = [];
    const flag = (kind: 's' | 'm', appId: string, channel: string, socketId: string): string =>
      this.unannounced.has(entryKey(kind, appId, channel, socketId)) ? '1' : '0';
    for (const { appId, socketId } of this.mirror.connectionEntries()) {
      args.push('c', encodeAppId(appId), '', socketId, '', '', '0');
    }
    for (const { appId, channel, socketId } of this.mirror.subscriptionEntries()) {
      args.push(
        's',
        encodeAppId(appId),
        channel,
        socketId,
        '',
        '',
        flag('s', appId, channel, socketId),
      );
    }
    for (const { appId, channel, socketId, member } of this.mirror.membershipEntries()) {
      args.push(
        'm',
        encodeAppId(appId),
        channel,
        socketId,
        member.userId,
        serializeUserInfo(member.userInfo),
        flag('m', appId, channel, socketId),
      );
    }
    return args;
  }

  /**
   * @internal For tests: stops heartbeats and drops the connections without removing this node's
   * state from Redis, which is what a crashed process looks like to the rest of the cluster.
   */
  async abandonForTesting(): Promise<void> {
    this.closing ??= Promise.resolve();
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    this.up = false;
    this.commands?.disconnect();
    this.subscriber?.disconnect();
  }

  private async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    const commands = this.commands;
    const subscriber = this.subscriber;
    if (this.up && commands) {
      try {
        await SCRIPTS.reapNode.run(commands, [
          this.prefix,
          this.nodeId,
          this.config.nodeTimeoutMs,
          '1',
        ]);
      } catch (error) {
        this.logger.warn('redis adapter could not remove its state on close', {
          nodeId: this.nodeId,
          detail: describeError(error),
        });
      }
    }
    this.up = false;
    await Promise.all([commands, subscriber].map((client) => client && disconnect(client)));
    this.mirror.clear();
    this.unannounced.clear();
    this.mirrorCache.clear();
    this.mirrorClaims.clear();
    this.currentHealth = { ok: false, detail: 'closed' };
  }
}

async function disconnect(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  client.disconnect();
}

function ttlMs(ttlSec: number): number {
  return Math.max(1, Math.round(ttlSec * MS_PER_SECOND));
}

function serializeUserInfo(userInfo: unknown): string {
  try {
    return JSON.stringify(userInfo ?? null);
  } catch {
    throw new AdapterUsageError('presence user_info must be JSON-serializable');
  }
}

function channelState(
  channel: string,
  subscriptionCount: number,
  userCount: number,
): ChannelState | undefined {
  if (subscriptionCount === 0 && userCount === 0) return undefined;
  return isPresenceChannel(channel) ? { subscriptionCount, userCount } : { subscriptionCount };
}

function parseSubscriptionChange(reply: unknown): SubscriptionChange {
  const row = replyArray(reply, 'subscription change');
  return {
    subscriptionCount: replyInt(row[0], 'subscription count'),
    transitioned: replyInt(row[1], 'subscription transition') === 1,
  };
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

/** Identity of a mirror entry in {@link RedisAdapter.unannounced}; NUL never occurs in names. */
function entryKey(kind: 's' | 'm', appId: string, channel: string, socketId: string): string {
  return `${kind}\u0000${appId}\u0000${channel}\u0000${socketId}`;
}

/** Marks an answer computed from this node's mirror while Redis is unreachable. */
function provisional<T extends SubscriptionChange | MemberChange>(change: T): T {
  return { ...change, provisional: true };
}

/**
 * Hands reported changes to the core: all of them to `clusterChanged` when the handlers implement
 * it, otherwise only the removals to `orphansRemoved` (the contract before additions were reported).
 */
function reportChanges(
  handlers: AdapterHandlers,
  changes: readonly ClusterChange[],
  logger: AdapterLogger,
): void {
  try {
    if (handlers.clusterChanged) {
      handlers.clusterChanged(changes);
      return;
    }
    const removals: OrphanChange[] = [];
    for (const { direction, ...orphan } of changes) {
      if (direction === 'removed') removals.push(orphan);
    }
    if (removals.length > 0) handlers.orphansRemoved(removals);
  } catch (error) {
    logger.error('cluster change handler failed', { error: describeError(error) });
  }
}

/**
 * Change rows of REAP_NODE / RESYNC_NODE, ordered for the announcements: member removals, then
 * subscription removals (member_removed before vacated), then subscription additions, then member
 * additions (occupied before member_added).
 */
function parseChanges(reply: unknown): ClusterChange[] {
  if (reply === null) return [];
  const removedMembers: ClusterChange[] = [];
  const removedSubscriptions: ClusterChange[] = [];
  const addedSubscriptions: ClusterChange[] = [];
  const addedMembers: ClusterChange[] = [];
  for (const rowReply of replyArray(reply, 'changes')) {
    const row = replyArray(rowReply, 'change');
    const direction = row[8] === 'a' ? 'added' : 'removed';
    const appId = decodeAppId(replyString(row[1], 'change app'));
    const channel = replyString(row[2], 'change channel');
    const socketId = replyString(row[3], 'change socket');
    const transitioned = replyInt(row[5], 'change transition') === 1;
    if (row[0] === 's') {
      (direction === 'added' ? addedSubscriptions : removedSubscriptions).push({
        kind: 'subscription',
        direction,
        appId,
        channel,
        socketId,
        change: { subscriptionCount: replyInt(row[4], 'change count'), transitioned },
      });
    } else {
      (direction === 'added' ? addedMembers : removedMembers).push({
        kind: 'member',
        direction,
        appId,
        channel,
        socketId,
        change: {
          member: {
            userId: replyString(row[6], 'change user'),
            userInfo: parseUserInfo(replyString(row[7], 'change info')),
          },
          userCount: replyInt(row[4], 'change count'),
          transitioned,
        },
      });
    }
  }
  return [...removedMembers, ...removedSubscriptions, ...addedSubscriptions, ...addedMembers];
}
