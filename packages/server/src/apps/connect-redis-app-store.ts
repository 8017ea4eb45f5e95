/**
 * @module apps/connect-redis-app-store
 * A {@link RedisAppStore} on a connection of its own, for tools (`pushwire apps ...`): connects
 * once, fails fast when Redis cannot be reached, and is closed by the caller.
 */
import { describeRedisError, importIoredis } from './redis-app-follower';
import { RedisAppStore } from './redis-app-store';

/** Time allowed to connect to Redis. */
const CONNECT_TIMEOUT_MS = 5_000;

/** A store and the function that closes its connection. */
export interface ConnectedRedisAppStore {
  readonly store: RedisAppStore;
  close(): Promise<void>;
}

/** Cannot reach Redis; the message names the problem with any URL credentials masked. */
export class RedisAppStoreUnreachableError extends Error {
  override readonly name = 'RedisAppStoreUnreachableError';
}

/** Connects to `url` and returns the app store of the cluster with key prefix `keyPrefix`. */
export async function connectRedisAppStore(
  url: string,
  keyPrefix?: string,
): Promise<ConnectedRedisAppStore> {
  const ioredis = await importIoredis();
  const client = new ioredis.Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new RedisAppStoreUnreachableError(
      `Could not connect to Redis: ${describeRedisError(error)}`,
    );
  }
  return {
    store: new RedisAppStore(client, keyPrefix),
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
