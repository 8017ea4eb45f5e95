/**
 * @module apps/redis-client
 * The ioredis client the app store uses for a `redisUrl`: one Redis for `redis://` and
 * `rediss://`, a cluster client for `redis+cluster://` and `rediss+cluster://` (the same URL
 * forms the Redis adapter takes, parsed by the same function). The store's key is hash-tagged
 * and its change channel is classic pub/sub, which a Redis Cluster delivers to every node.
 */
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { clusterUrlOf } from '../adapters/redis/redis-adapter-options';

/** How long one app-store command may take. */
const COMMAND_TIMEOUT_MS = 5_000;

/** What the app store and its follower use of either client. */
export type AppStoreClient = Redis | Cluster;

/** Options for {@link redisClientFor}: `reconnectDelayMs` null gives up at the first failure. */
export interface AppStoreClientOptions {
  readonly lazyConnect: boolean;
  readonly maxRetriesPerRequest: number;
  readonly connectTimeout?: number;
  readonly reconnectDelayMs: (attempt: number) => number | null;
}

/** A client for `url` made with the loaded ioredis module. */
export function redisClientFor(
  ioredis: typeof import('ioredis'),
  url: string,
  options: AppStoreClientOptions,
): AppStoreClient {
  const base: RedisOptions = {
    // Every command ends: a stalled Redis fails the read (logged) instead of holding it forever.
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: options.maxRetriesPerRequest,
    ...(options.connectTimeout === undefined ? {} : { connectTimeout: options.connectTimeout }),
  };
  const cluster = clusterUrlOf(url);
  if (cluster === undefined) {
    return new ioredis.Redis(url, {
      ...base,
      lazyConnect: options.lazyConnect,
      retryStrategy: options.reconnectDelayMs,
    });
  }
  const { nodes, username, password, tls } = cluster;
  return new ioredis.Cluster(
    nodes.map(({ host, port }) => ({ host, port })),
    {
      lazyConnect: options.lazyConnect,
      clusterRetryStrategy: options.reconnectDelayMs,
      redisOptions: {
        ...base,
        ...(username === undefined ? {} : { username }),
        ...(password === undefined ? {} : { password }),
        ...(tls ? { tls: {} } : {}),
      },
    },
  );
}
