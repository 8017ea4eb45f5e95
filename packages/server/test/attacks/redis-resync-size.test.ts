/**
 * @module test/attacks/redis-resync-size
 * Issue 8.1: after a Redis restart a node rewrites everything it holds into Redis. With 100,000
 * subscriptions (on one connection, or spread over many) the rewrite used to be one script call
 * with ~700,000 spread arguments, which overflowed the call stack on every heartbeat: the node
 * stayed unhealthy and cut off from the cluster for good. Now the resync goes in bounded batches:
 * the node is healthy again and cross-node delivery works within 15 s of Redis coming back.
 */

import { redisServerForTest, waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter';
import { RedisAdapter } from '../../src/adapters/redis';
import { signedRequest } from '../http-helpers';
import { APP, connect, startServer, type TestServer } from '../ws-helpers';

const SUBSCRIPTIONS = 100_000;
const RECOVERY_MS = 15_000;
/** Adapter calls in flight while filling a node (they pipeline on one Redis connection). */
const FILL_CONCURRENCY = 2000;

let prefixCounter = 0;

function startNode(url: string, keyPrefix: string): Promise<TestServer> {
  const adapter = new RedisAdapter({ url, keyPrefix, heartbeatIntervalMs: 200 });
  return startServer({ adapter, vacateDelayMs: 0, webhookBatchMs: 0 });
}

/** Runs `count` adapter calls, FILL_CONCURRENCY at a time. */
async function fill(count: number, call: (index: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < count; start += FILL_CONCURRENCY) {
    const calls: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(count, start + FILL_CONCURRENCY); i++) calls.push(call(i));
    await Promise.all(calls);
  }
}

/** Holds SUBSCRIPTIONS subscriptions on `connections` sockets, through the node's adapter. */
async function holdSubscriptions(adapter: Adapter, connections: number): Promise<void> {
  const perConnection = SUBSCRIPTIONS / connections;
  await fill(connections, (c) => adapter.addConnection(APP.id, `bulk.${c}`));
  await fill(SUBSCRIPTIONS, (i) =>
    adapter.addSubscription(APP.id, `bulk-${i}`, `bulk.${Math.floor(i / perConnection)}`),
  );
}

async function trigger(node: TestServer, channel: string, event: string): Promise<number> {
  const response = await signedRequest(node.address.port, {
    method: 'POST',
    path: `/apps/${APP.id}/events`,
    app: APP,
    body: JSON.stringify({ name: event, channel, data: '{}' }),
  });
  return response.status;
}

describe('attack: a Redis restart under a node holding 100,000 subscriptions', () => {
  for (const connections of [1, 10_000]) {
    it(`rejoins the cluster within 15 s (${connections} connection(s))`, async () => {
      const redis = await redisServerForTest();
      const keyPrefix = `resync-size-${++prefixCounter}-${process.pid}:`;
      const big = await startNode(redis.url, keyPrefix);
      const other = await startNode(redis.url, keyPrefix);
      await holdSubscriptions(big.server.adapter, connections);
      const onBig = await connect(big.wsUrl());
      const onOther = await connect(other.wsUrl());
      await onBig.join('news-big');
      await onOther.join('news-other');
      expect(await other.server.adapter.channel(APP.id, `bulk-${SUBSCRIPTIONS - 1}`)).toEqual({
        subscriptionCount: 1,
      });

      await redis.stop();
      await waitUntil(() => !big.server.adapter.health().ok, 5000);
      await redis.restart();
      const restartedAt = Date.now();
      await waitUntil(
        () => big.server.adapter.health().ok && other.server.adapter.health().ok,
        RECOVERY_MS,
      );
      const health = await fetch(`http://127.0.0.1:${big.address.port}/health`);
      expect(health.status).toBe(200);
      // Every subscription is back in Redis: the other node sees the last one.
      expect(await other.server.adapter.channel(APP.id, `bulk-${SUBSCRIPTIONS - 1}`)).toEqual({
        subscriptionCount: 1,
      });
      expect(await trigger(big, 'news-other', 'from-big')).toBe(200);
      await onOther.event('from-big', 'news-other');
      expect(await trigger(other, 'news-big', 'from-other')).toBe(200);
      await onBig.event('from-other', 'news-big');
      expect(Date.now() - restartedAt).toBeLessThan(RECOVERY_MS);
    }, 60_000);
  }
});
