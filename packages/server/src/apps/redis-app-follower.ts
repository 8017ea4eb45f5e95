/**
 * @module apps/redis-app-follower
 * Keeps a node's stored apps in step with the cluster's Redis app store: reads the hash when it
 * starts (waiting at most `startTimeoutMs`: an unreachable Redis does not block the start), again
 * on each `apps:changed` message and after each reconnect, and every `refreshMs` as a safety net
 * for a missed message. Reads never overlap (a change during a read schedules one more). ioredis
 * is imported only here, when the server follows a store.
 */

import { importIoredis } from '../adapters/load-redis-adapter';
import { withDeadline } from '../adapters/redis/command-deadline';
import { describeError } from '../adapters/redis/error-text';
import type { Logger } from '../observability/logger';
import { RedisAppStore, type StoredAppEntry } from './redis-app-store';
import { type AppStoreClient, redisClientFor } from './redis-client';

/** Safety-net re-read interval. */
export const DEFAULT_APPS_REFRESH_MS = 30_000;
/** How long the start waits for the first read. */
const START_TIMEOUT_MS = 5_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

export interface RedisAppFollowerOptions {
  readonly url: string;
  readonly keyPrefix?: string;
  readonly logger: Logger;
  /** Receives every successful read. */
  readonly onApps: (entries: readonly StoredAppEntry[]) => void;
  readonly refreshMs?: number;
  readonly startTimeoutMs?: number;
}

/** A running follower; `close()` ends both connections and the timer. */
export class RedisAppFollower {
  readonly #commands: AppStoreClient;
  readonly #subscriber: AppStoreClient;
  readonly #store: RedisAppStore;
  readonly #options: RedisAppFollowerOptions;
  readonly #timer: NodeJS.Timeout;
  #reading: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #failing = false;
  #connectedBefore = false;

  private constructor(ioredis: typeof import('ioredis'), options: RedisAppFollowerOptions) {
    this.#options = options;
    const clientOptions = {
      lazyConnect: false,
      maxRetriesPerRequest: 1,
      reconnectDelayMs: (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    };
    this.#commands = redisClientFor(ioredis, options.url, clientOptions);
    this.#subscriber = redisClientFor(ioredis, options.url, clientOptions);
    for (const client of [this.#commands, this.#subscriber]) {
      // Reported through the reads' failures (once per outage), not once per reconnect attempt.
      client.on('error', () => undefined);
    }
    this.#store = new RedisAppStore(this.#commands, options.keyPrefix);
    this.#subscriber.on('message', () => this.refresh());
    this.#subscriber.on('ready', () => {
      this.#subscriber.subscribe(this.#store.channel).catch(() => undefined);
      // The first read is start()'s; after a reconnect, changes may have been missed.
      if (this.#connectedBefore) this.refresh();
      this.#connectedBefore = true;
    });
    this.#timer = setInterval(
      () => this.refresh(),
      options.refreshMs ?? DEFAULT_APPS_REFRESH_MS,
    ).unref();
  }

  /** Connects and reads the store once (waiting at most `startTimeoutMs` for it). */
  static async start(options: RedisAppFollowerOptions): Promise<RedisAppFollower> {
    const follower = new RedisAppFollower(await importIoredis(), options);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.startTimeoutMs ?? START_TIMEOUT_MS);
    });
    await Promise.race([follower.refresh(), timeout]);
    clearTimeout(timer);
    return follower;
  }

  /** Reads the store now (or once more after the read in progress); resolves when read. */
  refresh(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#reading !== undefined) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = this.#read().finally(() => {
      this.#reading = undefined;
      if (this.#again) {
        this.#again = false;
        void this.refresh();
      }
    });
    return this.#reading;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await Promise.all([this.#commands, this.#subscriber].map((client) => quit(client)));
  }

  async #read(): Promise<void> {
    let entries: StoredAppEntry[];
    try {
      entries = await withDeadline(this.#commands, this.#store.read());
    } catch (error) {
      if (!this.#failing && !this.#closed) {
        this.#options.logger.error('could not read the Redis app store (keeping the apps)', {
          error: describeError(error),
        });
      }
      this.#failing = true;
      return;
    }
    if (this.#closed) return;
    if (this.#failing) this.#options.logger.info('Redis app store read again');
    this.#failing = false;
    this.#options.onApps(entries);
  }
}

async function quit(client: AppStoreClient): Promise<void> {
  try {
    if (client.status === 'ready') {
      await client.quit();
      return;
    }
  } catch {
    // fall through
  }
  client.disconnect();
}
