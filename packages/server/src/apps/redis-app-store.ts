/**
 * @module apps/redis-app-store
 * The app store a cluster shares in its Redis: one hash `{<prefix>apps}` (hash-tagged, so one
 * Redis Cluster slot holds it), one field per app id, each value the app's options as JSON
 * (secret included: protect the Redis). Every write is announced on the pub/sub channel
 * `<prefix>apps:changed`, on which the nodes re-read the hash. `pushwire apps ...` writes through
 * this class; the nodes read through {@link RedisAppStore.read}.
 */

import { ServerConfigError } from '../config-error';
import { PUSHER_DEFAULT_LIMITS } from '../options';
import { resolveApp } from '../options/resolve-app';
import type { AppOptions } from '../options/types';
import { PushwireServerError } from '../server-error';
import { isPlainObject } from '../util/is-plain-object';

/** The prefix of the Redis adapter's keys when none is configured. */
export const DEFAULT_REDIS_APPS_PREFIX = 'pushwire:';
/** Apps read from the store at most (more is an error: the node keeps the apps it had). */
export const MAX_STORED_APPS = 10_000;
/** Largest JSON of one stored app. */
export const MAX_STORED_APP_BYTES = 65_536;

/** The hash holding the apps of the cluster with key prefix `prefix`. */
export function appsKey(prefix: string): string {
  return `{${prefix}apps}`;
}

/** The channel announcing a change of the stored apps. */
export function appsChangedChannel(prefix: string): string {
  return `${prefix}apps:changed`;
}

/** The commands the store needs (an ioredis client has them). */
export interface AppStoreRedis {
  hlen(key: string): Promise<number>;
  hgetall(key: string): Promise<Record<string, string>>;
  hget(key: string, field: string): Promise<string | null>;
  hset(key: string, field: string, value: string): Promise<number>;
  hsetnx(key: string, field: string, value: string): Promise<number>;
  hdel(key: string, field: string): Promise<number>;
  publish(channel: string, message: string): Promise<number>;
}

/** One stored entry: its field (the app id) and the parsed JSON (checked by the reader). */
export interface StoredAppEntry {
  readonly id: string;
  readonly app: unknown;
}

/** A stored app is already there (add), missing (update, remove), or its key is taken. */
export class StoredAppError extends PushwireServerError {
  override readonly name = 'StoredAppError';
  readonly code = 'PUSHWIRE_ERR_STORED_APP';
}

/**
 * Checks `app` as the server will (id, key, secret, flags, limits, webhooks, origins) and returns
 * the options to store. Throws a ServerConfigError naming the bad field, never its value.
 */
export function checkStoredApp(app: AppOptions): AppOptions {
  resolveApp(app, 'app', PUSHER_DEFAULT_LIMITS, []);
  const text = JSON.stringify(app);
  if (Buffer.byteLength(text) > MAX_STORED_APP_BYTES) {
    throw new ServerConfigError('app', `must be at most ${MAX_STORED_APP_BYTES} bytes of JSON`);
  }
  return app;
}

/** The stored apps of one cluster (one key prefix). */
export class RedisAppStore {
  readonly #redis: AppStoreRedis;
  readonly #prefix: string;

  constructor(redis: AppStoreRedis, keyPrefix: string = DEFAULT_REDIS_APPS_PREFIX) {
    this.#redis = redis;
    this.#prefix = keyPrefix;
  }

  get key(): string {
    return appsKey(this.#prefix);
  }

  get channel(): string {
    return appsChangedChannel(this.#prefix);
  }

  /**
   * Every stored entry, parsed (an entry that is not JSON is kept as `undefined`, for the reader
   * to report). Rejects when the hash holds more than {@link MAX_STORED_APPS} apps.
   */
  async read(): Promise<StoredAppEntry[]> {
    const count = await this.#redis.hlen(this.key);
    if (count > MAX_STORED_APPS) {
      throw new ServerConfigError(
        this.key,
        `holds ${count} apps, more than the ${MAX_STORED_APPS} a node reads`,
      );
    }
    const fields = await this.#redis.hgetall(this.key);
    return Object.entries(fields)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, text]) => ({ id, app: parseStored(text) }));
  }

  /** The stored options of app `id`, or undefined. */
  async get(id: string): Promise<AppOptions | undefined> {
    const text = await this.#redis.hget(this.key, id);
    if (text === null) return undefined;
    const app = parseStored(text);
    if (!isPlainObject(app)) {
      throw new ServerConfigError(`${this.key} ${id}`, 'is not a JSON object');
    }
    return app as unknown as AppOptions;
  }

  /** Stores a new app; throws when its id is taken or its key is used by another stored app. */
  async add(app: AppOptions): Promise<void> {
    checkStoredApp(app);
    await this.#rejectKeyInUse(app);
    const created = await this.#redis.hsetnx(this.key, app.id, JSON.stringify(app));
    if (created === 0) throw new StoredAppError(`App ${app.id} already exists in the app store`);
    await this.#announce(app.id);
  }

  /** Replaces stored app `app.id` (which must exist). */
  async update(app: AppOptions): Promise<void> {
    checkStoredApp(app);
    if ((await this.#redis.hget(this.key, app.id)) === null) {
      throw new StoredAppError(`App ${app.id} does not exist in the app store`);
    }
    await this.#rejectKeyInUse(app);
    await this.#redis.hset(this.key, app.id, JSON.stringify(app));
    await this.#announce(app.id);
  }

  /** Removes stored app `id`; throws when there is none. */
  async remove(id: string): Promise<void> {
    if ((await this.#redis.hdel(this.key, id)) === 0) {
      throw new StoredAppError(`App ${id} does not exist in the app store`);
    }
    await this.#announce(id);
  }

  async #rejectKeyInUse(app: AppOptions): Promise<void> {
    for (const entry of await this.read()) {
      if (entry.id === app.id || !isPlainObject(entry.app)) continue;
      if (entry.app['key'] === app.key) {
        throw new StoredAppError(`The key of app ${app.id} is used by stored app ${entry.id}`);
      }
    }
  }

  async #announce(id: string): Promise<void> {
    await this.#redis.publish(this.channel, id);
  }
}

function parseStored(text: string): unknown {
  if (text.length > MAX_STORED_APP_BYTES) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
