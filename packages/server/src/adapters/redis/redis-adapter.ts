/**
 * @module adapters/redis/redis-adapter
 * The scale-out adapter: Redis pub/sub carries channel messages and user terminations between nodes;
 * Redis hashes and sets hold the cluster-wide subscriptions, presence members and connection counts,
 * changed atomically by Lua scripts that report each transition to exactly one caller. Nodes send
 * heartbeats; a survivor reaps a silent node's entries and reports them through `clusterChanged`.
 * This node's own state is mirrored in memory at all
 * times, so while Redis is down the node keeps serving its local clients from the mirror (answers
 * marked `provisional`) and, when Redis returns, rewrites the mirror into Redis and reports the
 * additions and removals that resulted cluster-wide.
 *
 * This class only composes the parts: connection.ts (the connection pair and its health),
 * heartbeat.ts (heartbeats, reaping, resync.ts), cluster-changes.ts (reporting), local-mirror.ts,
 * state-changes.ts, state-queries.ts, cache-operations.ts, rate-quota.ts and message-bus.ts.
 * See packages/server/docs/scaling.md for the design.
 */

import type { Logger } from '../../observability/logger';
import type {
  Adapter,
  AdapterHandlers,
  AdapterHealth,
  CachedEvent,
  ChannelMessage,
  ChannelState,
  MemberChange,
  MemberLimitReached,
  MemberLimits,
  PresenceMember,
  RateLimitKind,
  RateQuota,
  SubscriptionChange,
} from '../adapter';
import { AdapterUsageError } from '../adapter-errors';
import { CacheOperations } from './cache-operations';
import { ChangeReporter } from './cluster-changes';
import { RedisConnection } from './connection';
import { Heartbeat } from './heartbeat';
import { LocalMirror } from './local-mirror';
import { MessageBus } from './message-bus';
import { RateQuotaOperations } from './rate-quota';
import {
  type RedisAdapterOptions,
  type ResolvedRedisAdapterOptions,
  resolveRedisAdapterOptions,
} from './redis-adapter-options';
import { busChannel, debugChannel } from './redis-keys';
import { StateChanges } from './state-changes';
import { StateQueries } from './state-queries';

const SILENT_LOGGER: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** The parts that exist once start() was called. */
interface Started {
  readonly bus: MessageBus;
  readonly heartbeat: Heartbeat;
}

/** Cluster adapter on Redis; see the module comment. */
export class RedisAdapter implements Adapter {
  readonly nodeId: string;
  private readonly config: ResolvedRedisAdapterOptions;
  private readonly logger: Logger;
  private readonly mirror = new LocalMirror();
  private readonly connection: RedisConnection;
  private readonly changes: StateChanges;
  private readonly queries: StateQueries;
  private readonly cache: CacheOperations;
  private readonly rates: RateQuotaOperations;
  private running: Started | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: RedisAdapterOptions) {
    this.config = resolveRedisAdapterOptions(options);
    this.nodeId = this.config.nodeId;
    this.logger = this.config.logger ?? SILENT_LOGGER;
    const prefix = this.config.keyPrefix;
    this.connection = new RedisConnection(this.config, this.logger);
    this.changes = new StateChanges(prefix, this.nodeId, this.connection, this.mirror);
    this.queries = new StateQueries(prefix, this.connection, this.mirror);
    this.cache = new CacheOperations(prefix, this.nodeId, this.connection, this.mirror);
    this.rates = new RateQuotaOperations(prefix, this.connection, this.mirror);
  }

  async start(handlers: AdapterHandlers): Promise<void> {
    if (this.running) throw new AdapterUsageError('RedisAdapter.start() was called twice');
    const { keyPrefix: prefix, nodeTimeoutMs, heartbeatIntervalMs } = this.config;
    const { nodeId, logger, connection, mirror } = this;
    const bus = new MessageBus(busChannel(prefix), nodeId, connection, handlers, logger);
    const reporter = new ChangeReporter(prefix, nodeId, handlers, logger);
    const heartbeat = new Heartbeat({
      prefix,
      nodeId,
      nodeTimeoutMs,
      heartbeatIntervalMs,
      logger,
      mirror,
      connection,
      reporter,
    });
    this.running = { bus, heartbeat };
    const debug = debugChannel(prefix);
    await connection.open(handlers, [bus.channel, debug], {
      message: (channel, text) => {
        if (channel !== debug) bus.receive(channel, text);
        else if (!connection.closing) handlers.debugReceived?.(text);
      },
      ready: () => {
        void heartbeat.tick();
      },
    });
    await heartbeat.tick();
    connection.reportFromNowOn();
    heartbeat.startTimer();
  }

  close(): Promise<void> {
    this.connection.beginClosing();
    this.closing ??= this.shutdown();
    return this.closing;
  }

  health(): AdapterHealth {
    return this.connection.health();
  }

  /** True while Redis is connected and this node's state was resynchronized into it. */
  canReachCluster(): boolean {
    return this.running !== undefined && this.connection.up && !this.connection.closing;
  }

  publish(message: ChannelMessage): void {
    if (this.closing) return;
    this.started().bus.publish(message);
  }

  /** Publishes on the debug channel while Redis is up; lost otherwise (best effort). */
  sendDebug(text: string): void {
    const commands = this.connection.commands;
    if (this.closing || !this.connection.up || commands === undefined) return;
    commands
      .publish(debugChannel(this.config.keyPrefix), text)
      .catch((error: unknown) => this.connection.markDown(error));
  }

  async terminateUser(appId: string, userId: string): Promise<void> {
    if (this.closing) return;
    await this.started().bus.terminateUser(appId, userId);
  }

  addConnection(appId: string, socketId: string): Promise<number> {
    return this.changes.addConnection(appId, socketId);
  }

  removeConnection(appId: string, socketId: string): Promise<void> {
    return this.changes.removeConnection(appId, socketId);
  }

  addSubscription(appId: string, channel: string, socketId: string): Promise<SubscriptionChange> {
    return this.changes.addSubscription(appId, channel, socketId);
  }

  removeSubscription(
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<SubscriptionChange | undefined> {
    return this.changes.removeSubscription(appId, channel, socketId);
  }

  addMember(
    appId: string,
    channel: string,
    socketId: string,
    member: PresenceMember,
    limits?: MemberLimits,
  ): Promise<MemberChange | MemberLimitReached> {
    return this.changes.addMember(appId, channel, socketId, member, limits);
  }

  removeMember(
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<MemberChange | undefined> {
    return this.changes.removeMember(appId, channel, socketId);
  }

  members(appId: string, channel: string): Promise<PresenceMember[]> {
    return this.queries.members(appId, channel);
  }

  channels(appId: string, prefix?: string): Promise<Map<string, ChannelState>> {
    return this.queries.channels(appId, prefix);
  }

  channel(appId: string, channel: string): Promise<ChannelState | undefined> {
    return this.queries.channel(appId, channel);
  }

  setCachedEvent(
    appId: string,
    channel: string,
    event: CachedEvent,
    ttlSec: number,
  ): Promise<void> {
    return this.cache.setCachedEvent(appId, channel, event, ttlSec);
  }

  cachedEvent(
    appId: string,
    channel: string,
  ): Promise<{ readonly event: CachedEvent; readonly ttlSec: number } | undefined> {
    return this.cache.cachedEvent(appId, channel);
  }

  claimOnce(key: string, ttlSec: number): Promise<boolean> {
    return this.cache.claimOnce(key, ttlSec);
  }

  takeRateQuota(
    appId: string,
    kind: RateLimitKind,
    units: number,
    limit: number,
  ): Promise<RateQuota> {
    return this.rates.take(appId, kind, units, limit);
  }

  /**
   * @internal For tests: stops heartbeats and drops the connections without removing this node's
   * state from Redis, which is what a crashed process looks like to the rest of the cluster.
   */
  async abandonForTesting(): Promise<void> {
    this.connection.beginClosing();
    this.closing ??= Promise.resolve();
    await this.running?.heartbeat.stop();
    this.connection.abandon();
  }

  private started(): Started {
    if (!this.running) throw new AdapterUsageError('RedisAdapter used before start()');
    return this.running;
  }

  private async shutdown(): Promise<void> {
    const heartbeat = this.running?.heartbeat;
    await heartbeat?.stop();
    await heartbeat?.leave();
    await this.connection.close();
    this.mirror.clear();
  }
}
