/**
 * The debug console across a cluster: two server nodes on one real redis-server. A watcher on
 * node A sees what happens on node B (B forwards only once A announced interest), and A's
 * overview counts B's connections and lists channels cluster-wide.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RedisAdapter } from '../src/adapters/redis';
import { createServer } from '../src/index';
import { useRedisServer } from './helpers/redis-server';
import { SseClient } from './helpers/sse-client';
import { connect, eventually } from './ws-helpers';

const redisUrl = useRedisServer();

async function node(keyPrefix: string) {
  const server = createServer({
    port: 0,
    logLevel: 'silent',
    adapter: new RedisAdapter({ url: redisUrl(), keyPrefix, heartbeatIntervalMs: 200 }),
  });
  onTestFinished(() => server.close());
  const address = await server.listen();
  return {
    server,
    base: address.url,
    wsUrl: `ws://127.0.0.1:${address.port}/app/app-key?protocol=7&client=js&version=8.6.0&flash=false`,
  };
}

interface Overview {
  connections: number;
  nodes: number;
  channels: { name: string; subscriptionCount: number }[];
}

describe('the console on a Redis cluster', () => {
  it('shows a subscribe on node B to a watcher on node A, and counts the whole cluster', async () => {
    const keyPrefix = `console-${randomUUID()}:`;
    const a = await node(keyPrefix);
    const b = await node(keyPrefix);
    const stream = await SseClient.connect(`${a.base}/console/api/apps/app-id/stream`);
    const overview = async (): Promise<Overview> =>
      (await (await fetch(`${a.base}/console/api/apps/app-id/overview`)).json()) as Overview;
    // B answers A's announcement with its connection count: from then on it forwards entries.
    await eventually(async () => (await overview()).nodes === 2, 10_000);

    const client = await connect(b.wsUrl);
    const socketId = await client.socketId();
    await client.join('news');
    const subscribed = await stream.entry({ kind: 'subscribed', channel: 'news', socketId });
    expect(subscribed['node']).toBe(b.server.adapter.nodeId);
    expect(subscribed['node']).not.toBe(a.server.adapter.nodeId);

    await eventually(async () => {
      const now = await overview();
      return (
        now.connections === 1 &&
        now.channels.some((channel) => channel.name === 'news' && channel.subscriptionCount === 1)
      );
    }, 10_000);
  }, 30_000);
});
