/**
 * @module apps/connect-redis-app-store
 * A {@link RedisAppStore} on a connection of its own, for tools (`pushwire apps ...`): connects
 * once, fails fast when Redis cannot be reached, and is closed by the caller.
 */
import { importIoredis } from '../adapters/load-redis-adapter';
import { describeError } from '../adapters/redis/error-text';
import { PushwireServerError } from '../server-error';
import { RedisAppStore } from './redis-app-store';
import { redisClientFor } from './redis-client';

/** Time allowed to connect to Redis. */
const CONNECT_TIMEOUT_MS = 5_000;

/** A store and the function that closes its connection. */
export interface ConnectedRedisAppStore {
  readonly store: RedisAppStore;
  close(): Promise<void>;
}

/** Cannot reach Redis; the message names the problem with any URL credentials masked. */
export class RedisAppStoreUnreachableError extends PushwireServerError {
  override readonly name = 'RedisAppStoreUnreachableError';
  readonly code = 'PUSHWIRE_ERR_APP_STORE_UNREACHABLE';
}

/** Connects to `url` and returns the app store of the cluster with key prefix `keyPrefix`. */
export async function connectRedisAppStore(
  url: string,
  keyPrefix?: string,
): Promise<ConnectedRedisAppStore> {
  const ioredis = await importIoredis();
  const client = redisClientFor(ioredis, url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    reconnectDelayMs: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new RedisAppStoreUnreachableError(`Could not connect to Redis: ${describeError(error)}`);
  }
  return {
    store: new RedisAppStore(client, keyPrefix),
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
