/**
 * @module adapters/redis/connection
 * The node's two Redis clients (commands and pub/sub; on a Redis Cluster, each a cluster client,
 * the pub/sub one with a sharded subscriber per master) and its view of their health: whether
 * Redis is up, whether the mirror must be resynchronized, an error log when an outage starts
 * (Redis unreachable at start included) repeated every `outageLogIntervalMs` until it ends, and
 * `healthChanged` reports. {@link RedisConnection.shared} runs a command while Redis is up and
 * otherwise answers from a local fallback.
 */
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../observability/logger';
import type { AdapterHandlers, AdapterHealth } from '../adapter';
import { AdapterConfigError, AdapterUsageError } from '../adapter-errors';
import { withDeadline } from './command-deadline';
import { describeError } from './error-text';
import type { ResolvedRedisAdapterOptions } from './redis-adapter-options';
import { defineScripts, type RedisClient } from './scripts';

const MAX_RECONNECT_DELAY_MS = 1000;
const RECONNECT_STEP_MS = 100;

/** What the connections hand to the rest of the adapter. */
export interface ConnectionListeners {
  /** A message on a subscribed pub/sub channel. */
  message(channel: string, text: string): void;
  /** A connection is (again) ready: time to heartbeat and resynchronize. */
  ready(): void;
}

function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * RECONNECT_STEP_MS, MAX_RECONNECT_DELAY_MS);
}

/** The connection pair with its up/down state; see the module comment. */
export class RedisConnection {
  readonly #config: ResolvedRedisAdapterOptions;
  readonly #logger: Logger;
  #commands: RedisClient | undefined;
  #subscriber: RedisClient | undefined;
  #handlers: AdapterHandlers | undefined;
  #up = false;
  #needsResync = true;
  #closing = false;
  #outageLogged = false;
  #outageSinceMs = 0;
  #outageReminder: NodeJS.Timeout | undefined;
  #health: AdapterHealth = { ok: false, detail: 'not started' };
  /** healthChanged reports changes after start() resolved; start's outcome is read via health(). */
  #reportHealth = false;

  constructor(config: ResolvedRedisAdapterOptions, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
  }

  /** The client for commands and PUBLISH; undefined before {@link open}. */
  get commands(): RedisClient | undefined {
    return this.#commands;
  }

  get subscriber(): RedisClient | undefined {
    return this.#subscriber;
  }

  /** Redis answered the last command and this node's state is written there. */
  get up(): boolean {
    return this.#up;
  }

  /** Redis was unreachable since the last resync: the mirror must be written back. */
  get needsResync(): boolean {
    return this.#needsResync;
  }

  /** The adapter is closing (or was abandoned): no more commands, reports or deliveries. */
  get closing(): boolean {
    return this.#closing;
  }

  health(): AdapterHealth {
    return this.#health;
  }

  /**
   * Connects both clients and subscribes to `channels` (sharded channels on a Redis Cluster, each
   * subscribed on its own, since each is in its own slot); failures only mark Redis down.
   */
  async open(
    handlers: AdapterHandlers,
    channels: readonly string[],
    listeners: ConnectionListeners,
  ): Promise<void> {
    this.#handlers = handlers;
    const commands = this.#createClient(false);
    const subscriber = this.#createClient(true);
    defineScripts(commands);
    this.#commands = commands;
    this.#subscriber = subscriber;
    const onMessage = (channel: string, text: string) => listeners.message(channel, text);
    subscriber.on(this.#config.sharded ? 'smessage' : 'message', onMessage);
    for (const client of [commands, subscriber]) {
      client.on('error', (error: unknown) => this.markDown(error));
      client.on('close', () => this.markDown(new Error('connection closed')));
      client.on('ready', () => listeners.ready());
    }
    await Promise.allSettled([commands.connect(), subscriber.connect()]);
    const subscribed = this.#config.sharded
      ? Promise.all(channels.map((channel) => subscriber.ssubscribe(channel)))
      : subscriber.subscribe(...channels);
    if (subscriber.status === 'ready') {
      await subscribed.catch((error: unknown) => this.markDown(error));
    } else {
      subscribed.catch((error: unknown) => this.markDown(error));
    }
  }

  /** start() has its outcome: logs a start without Redis, then reports health changes. */
  reportFromNowOn(): void {
    if (!this.#up) {
      this.#outageLogged = true;
      this.#logger.error('redis adapter started without redis: serving local clients only', {
        nodeId: this.#config.nodeId,
        detail: this.#health.detail,
      });
      this.#remindUntilBack();
    }
    this.#reportHealth = true;
  }

  /** Runs a Redis operation while Redis is up; otherwise, or when it fails, answers locally. */
  async shared<T>(operation: (redis: RedisClient) => Promise<T>, local: () => T): Promise<T> {
    const commands = this.#commands;
    if (!this.#up || !commands || this.#closing) return local();
    try {
      return await withDeadline(commands, operation(commands));
    } catch (error) {
      if (error instanceof AdapterUsageError) throw error;
      this.markDown(error);
      return local();
    }
  }

  /** Redis is unreachable: answer from the mirror, log once per outage, report unhealthy. */
  markDown(error: unknown): void {
    if (this.#closing || !this.#handlers) return;
    this.#needsResync = true;
    this.#up = false;
    const detail = `redis unavailable: ${describeError(error)}`;
    // While starting, start() itself reports a failure to connect (once).
    if (!this.#outageLogged && this.#reportHealth) {
      this.#outageLogged = true;
      this.#logger.error('redis adapter lost redis: serving local clients only until it is back', {
        nodeId: this.#config.nodeId,
        detail,
      });
      this.#remindUntilBack();
    }
    this.#setHealth({ ok: false, detail });
  }

  /** The mirror was written back into Redis: commands go to Redis again. */
  markResynchronized(): void {
    this.#needsResync = false;
    this.#up = true;
    this.#stopReminder();
    if (this.#outageLogged) {
      this.#outageLogged = false;
      this.#logger.info('redis adapter reconnected and resynchronized', {
        nodeId: this.#config.nodeId,
      });
    }
    this.#setHealth({ ok: true });
  }

  /** From now on nothing is sent and no outage is reported (close, or a simulated crash). */
  beginClosing(): void {
    this.#closing = true;
    this.#stopReminder();
  }

  /** Quits both connections (a hard disconnect when quitting fails); health becomes 'closed'. */
  async close(): Promise<void> {
    this.#up = false;
    const clients = [this.#commands, this.#subscriber];
    await Promise.all(clients.map((client) => client && disconnect(client)));
    this.#health = { ok: false, detail: 'closed' };
  }

  /** Drops both connections at once, as a crashed process would. */
  abandon(): void {
    this.#stopReminder();
    this.#up = false;
    this.#commands?.disconnect();
    this.#subscriber?.disconnect();
  }

  /** Logs the outage again every `outageLogIntervalMs` until Redis is back or the node closes. */
  #remindUntilBack(): void {
    if (this.#outageReminder !== undefined) return;
    this.#outageSinceMs = Date.now();
    this.#outageReminder = setInterval(() => {
      if (this.#up || this.#closing) return this.#stopReminder();
      this.#logger.error('redis still unreachable: serving local clients only', {
        nodeId: this.#config.nodeId,
        downForSec: Math.round((Date.now() - this.#outageSinceMs) / 1000),
        detail: this.#health.detail,
      });
    }, this.#config.outageLogIntervalMs);
    this.#outageReminder.unref();
  }

  #stopReminder(): void {
    if (this.#outageReminder !== undefined) clearInterval(this.#outageReminder);
    this.#outageReminder = undefined;
  }

  #setHealth(health: AdapterHealth): void {
    const changed = health.ok !== this.#health.ok;
    this.#health = health;
    if (!changed || !this.#reportHealth) return;
    try {
      this.#handlers?.healthChanged?.(health);
    } catch (error) {
      this.#logger.error('healthChanged handler failed', { error: describeError(error) });
    }
  }

  /** The commands client (no offline queue, no retries: a failure marks Redis down) or the subscriber. */
  #createClient(subscriber: boolean): RedisClient {
    const base: Partial<RedisOptions> = {
      lazyConnect: true,
      commandTimeout: this.#config.commandTimeoutMs,
      ...(subscriber ? {} : { maxRetriesPerRequest: 0 }),
    };
    // One Redis: commands fail at once while disconnected. A cluster client queues them per master
    // (in order, see command-deadline.ts), so a master whose connection is opening gets them in the
    // order they were sent instead of a retry through another master.
    const offlineQueue = { enableOfflineQueue: subscriber };
    const clusterOfflineQueue = { enableOfflineQueue: true };
    const { connection } = this.#config;
    if ('url' in connection) {
      return new Redis(connection.url, {
        ...base,
        ...offlineQueue,
        retryStrategy: reconnectDelayMs,
      });
    }
    if ('redis' in connection) {
      return connection.redis.duplicate({
        ...base,
        ...offlineQueue,
        retryStrategy: reconnectDelayMs,
      });
    }
    const clusterOptions: ClusterOptions = {
      lazyConnect: true,
      ...clusterOfflineQueue,
      clusterRetryStrategy: reconnectDelayMs,
      shardedSubscribers: subscriber,
    };
    if ('cluster' in connection) {
      const inherited = connection.cluster.options.redisOptions ?? {};
      return requireShardedSubscribers(
        connection.cluster.duplicate([], {
          ...clusterOptions,
          redisOptions: { ...inherited, ...base },
        }),
        subscriber,
      );
    }
    const { nodes, username, password, tls } = connection.clusterUrl;
    return requireShardedSubscribers(
      new Cluster(
        nodes.map(({ host, port }) => ({ host, port })),
        {
          ...clusterOptions,
          redisOptions: {
            ...base,
            ...(username === undefined ? {} : { username }),
            ...(password === undefined ? {} : { password }),
            ...(tls ? { tls: {} } : {}),
          },
        },
      ),
      subscriber,
    );
  }
}

/**
 * The subscriber of a Redis Cluster needs ioredis's sharded subscribers (one per master, following
 * slot moves): older ioredis releases send every SSUBSCRIBE through one connection and miss the
 * messages of the other shards, so they are refused rather than half working.
 */
function requireShardedSubscribers(client: Cluster, subscriber: boolean): Cluster {
  if (
    subscriber &&
    (client as unknown as { shardedSubscribers?: unknown }).shardedSubscribers === undefined
  ) {
    client.disconnect();
    throw new AdapterConfigError(
      'RedisAdapter on a Redis Cluster needs ioredis 5.11 or later (sharded pub/sub subscribers)',
    );
  }
  return client;
}

async function disconnect(client: RedisClient): Promise<void> {
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
