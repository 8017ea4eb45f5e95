/**
 * Subscription counting across nodes sharing a real Redis (one redis-server, and a 3-master Redis
 * Cluster): off by default (no
 * `pusher_internal:subscription_count` on any node), and when the app enables it a subscribe on one
 * node updates the count seen by subscribers on the other.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RedisAdapter } from '../src/adapters/redis';
import type { AppOptions } from '../src/index';
import { useRedisTopologies } from './helpers/redis-topologies';
import { APP, connect, startServer } from './ws-helpers';

const TOPOLOGIES = useRedisTopologies();

async function twoNodes(redisUrl: () => string, app: AppOptions) {
  const keyPrefix = `count-${randomUUID()}:`;
  const start = () =>
    startServer({
      apps: [app],
      adapter: new RedisAdapter({ url: redisUrl(), keyPrefix, heartbeatIntervalMs: 100 }),
    });
  return [await start(), await start()] as const;
}

describe.each(TOPOLOGIES)('subscription counting on the Redis adapter, $topology', ({ url }) => {
  it('sends no subscription_count on any node by default', async () => {
    const [a, b] = await twoNodes(url, APP);
    const first = await connect(a.wsUrl());
    await first.join('news');
    const second = await connect(b.wsUrl());
    await second.join('news');
    // A channel event published after the joins reaches both: anything sent before it was seen.
    a.server.adapter.publish({
      appId: APP.id,
      channel: 'news',
      frame: '{"event":"marker","channel":"news","data":"{}"}',
    });
    await first.event('marker');
    await second.event('marker');
    expect(first.count('pusher_internal:subscription_count')).toBe(0);
    expect(second.count('pusher_internal:subscription_count')).toBe(0);
  });

  it('updates subscribers on the other node when the app enables it', async () => {
    const [a, b] = await twoNodes(url, { ...APP, subscriptionCountEvents: true });
    const first = await connect(a.wsUrl());
    await first.join('news');
    const second = await connect(b.wsUrl());
    await second.join('news');
    await first.waitFor(
      (f) =>
        f.event === 'pusher_internal:subscription_count' && f.data === '{"subscription_count":2}',
    );
  });
});
