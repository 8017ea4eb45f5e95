/**
 * @module test/helpers/redis-topologies
 * The two Redis topologies the multi-node tests run against, each started once per test file: one
 * redis-server, and a 3-master Redis Cluster. Each gives its URL, an outage of the Redis holding a
 * deployment's state (its own redis-server, or the cluster master serving the state slot) and a
 * stall of every Redis (CLIENT PAUSE), so one test body covers both.
 */

import { startRedisServer, useRedisServer } from '@pushwire/test-support';
import { useRedisCluster } from './redis-cluster';

/** A Redis holding a deployment's state, which a test stops and starts again. */
export interface RedisOutage {
  /** The URL the deployment's nodes use. */
  readonly url: string;
  /** Kills the Redis (SIGKILL, nothing saved). */
  stop(): Promise<void>;
  /** Starts it again (empty), ready. */
  restart(): Promise<void>;
  /** Cleans up; idempotent. */
  close(): Promise<void>;
}

export interface RedisTopology {
  readonly topology: string;
  /** The URL (redis:// or redis+cluster://) of the file's Redis. */
  url(): string;
  /** Gives a Redis whose outage the deployment `keyPrefix` feels (see {@link RedisOutage}). */
  outage(keyPrefix: string): Promise<RedisOutage>;
  /** Pauses every client of every Redis of the topology for `ms` (CLIENT PAUSE … ALL). */
  pauseAll(ms: number): Promise<void>;
}

/** Registers both topologies for the test file; use with `describe.each`. */
export function useRedisTopologies(): readonly RedisTopology[] {
  const single = useRedisServer();
  const cluster = useRedisCluster();
  const pause = async (urls: readonly string[], ms: number) => {
    const { Redis } = await import('ioredis');
    await Promise.all(
      urls.map(async (url) => {
        const admin = new Redis(url);
        try {
          await admin.call('CLIENT', 'PAUSE', String(ms), 'ALL');
        } finally {
          admin.disconnect();
        }
      }),
    );
  };
  return [
    {
      topology: 'one Redis',
      url: single,
      async outage() {
        const own = await startRedisServer();
        return { url: own.url, stop: own.stop, restart: own.restart, close: own.close };
      },
      pauseAll: (ms) => pause([single()], ms),
    },
    {
      topology: 'a 3-master Redis Cluster',
      url: () => cluster().url,
      async outage(keyPrefix) {
        const handle = cluster();
        const index = handle.ports.indexOf(await handle.masterPortOf(`{${keyPrefix}}nodes`));
        let down = false;
        return {
          url: handle.url,
          async stop() {
            down = true;
            await handle.stopMaster(index);
          },
          async restart() {
            await handle.startMaster(index);
            down = false;
          },
          async close() {
            if (down) await handle.startMaster(index);
            down = false;
          },
        };
      },
      pauseAll: (ms) =>
        pause(
          cluster().ports.map((port) => `redis://127.0.0.1:${port}`),
          ms,
        ),
    },
  ];
}
