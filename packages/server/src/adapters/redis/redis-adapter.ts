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
 * On a Redis Cluster the state keys share one hash tag (one slot) and the bus is spread over
 * sharded pub/sub channels (see redis-keys.ts).
 *
 * This class adds the lifecycle to the state calls it inherits (redis-state.ts, each reaching Redis
 * directly) and composes the other parts: connection.ts (the client pair and its health),
 * heartbeat.ts (heartbeats, reaping, resync.ts), cluster-changes.ts (reporting), local-mirror.ts
 * and message-bus.ts. See docs/scaling.md for the design.
 */

import type { Logger } from '../../observability/logger';
import type { Adapter, AdapterHandlers, AdapterHealth, ChannelMessage } from '../adapter';
import { AdapterUsageError } from '../adapter-errors';
import { ChangeReporter } from './cluster-changes';
import { withDeadline } from './command-deadline';
import { RedisConnection } from './connection';
import { Heartbeat } from './heartbeat';
import { LocalMirror } from './local-mirror';
import { MessageBus } from './message-bus';
import {
  type RedisAdapterOptions,
  type ResolvedRedisAdapterOptions,
  resolveRedisAdapterOptions,
} from './redis-adapter-options';
import { RedisKeys } from './redis-keys';
import { RedisState } from './redis-state';

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
export class RedisAdapter extends RedisState implements Adapter {
  private readonly config: ResolvedRedisAdapterOptions;
  private readonly logger: Logger;
  private running: Started | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: RedisAdapterOptions) {
    const config = resolveRedisAdapterOptions(options);
    const logger = config.logger ?? SILENT_LOGGER;
    super(
      new RedisKeys(config.keyPrefix, config.sharded),
      config.nodeId,
      new RedisConnection(config, logger),
      new LocalMirror(),
    );
    this.config = config;
    this.logger = logger;
  }

  async start(handlers: AdapterHandlers): Promise<void> {
    if (this.running) throw new AdapterUsageError('RedisAdapter.start() was called twice');
    const { nodeTimeoutMs, heartbeatIntervalMs } = this.config;
    const { nodeId, logger, connection, mirror, keys } = this;
    const bus = new MessageBus(keys, nodeId, connection, handlers, logger);
    const reporter = new ChangeReporter(keys, nodeId, handlers, logger);
    const heartbeat = new Heartbeat({
      keys,
      nodeId,
      nodeTimeoutMs,
      heartbeatIntervalMs,
      logger,
      mirror,
      connection,
      reporter,
    });
    this.running = { bus, heartbeat };
    const debug = keys.debugChannel;
    await connection.open(handlers, [...keys.busChannels, debug], {
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
    const channel = this.keys.debugChannel;
    const sent = this.keys.sharded
      ? commands.spublish(channel, text)
      : commands.publish(channel, text);
    withDeadline(commands, sent).catch((error: unknown) => this.connection.markDown(error));
  }

  async terminateUser(appId: string, userId: string): Promise<void> {
    if (this.closing) return;
    await this.started().bus.terminateUser(appId, userId);
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
