/**
 * The debug console across a cluster: two server nodes on one real redis-server. A watcher on
 * node A sees what happens on node B (B forwards only once A announced interest), and A's
 * overview counts B's connections and lists channels cluster-wide. Nothing is forwarded while
 * nobody watches (a raw subscriber on the debug channel counts the entries sent).
 */
import { randomUUID } from 'node:crypto';
import { useRedisServer, waitUntil } from '@pushwire/test-support';
import { Redis } from 'ioredis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RedisAdapter } from '../src/adapters/redis';
import { createServer } from '../src/index';
import { SseClient } from './helpers/sse-client';
import { connect } from './ws-helpers';

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
    await waitUntil(async () => (await overview()).nodes === 2, 10_000);

    const client = await connect(b.wsUrl);
    const socketId = await client.socketId();
    await client.join('news');
    const subscribed = await stream.entry({ kind: 'subscribed', channel: 'news', socketId });
    expect(subscribed['node']).toBe(b.server.adapter.nodeId);
    expect(subscribed['node']).not.toBe(a.server.adapter.nodeId);

    await waitUntil(async () => {
      const now = await overview();
      return (
        now.connections === 1 &&
        now.channels.some((channel) => channel.name === 'news' && channel.subscriptionCount === 1)
      );
    }, 10_000);
  }, 30_000);

  it('forwards no entry while nobody watches the app', async () => {
    const keyPrefix = `console-${randomUUID()}:`;
    const spy = new Redis(redisUrl(), { lazyConnect: true });
    onTestFinished(() => {
      spy.disconnect();
    });
    await spy.connect();
    const kinds: string[] = [];
    spy.on('message', (_channel: string, text: string) => {
      kinds.push((JSON.parse(text) as { t: string }).t);
    });
    await spy.subscribe(`${keyPrefix}debug`);
    const a = await node(keyPrefix);
    const b = await node(keyPrefix);

    const quiet = await connect(b.wsUrl);
    await quiet.join('unwatched');
    await b.server.adapter.channel('app-id', 'unwatched'); // a round trip through Redis
    const before = kinds.filter((kind) => kind === 'e').length;
    expect(before).toBe(0);

    const stream = await SseClient.connect(`${a.base}/console/api/apps/app-id/stream`);
    await waitUntil(() => kinds.includes('s'), 10_000); // B answered A's interest
    await quiet.join('watched');
    await stream.entry({ kind: 'subscribed', channel: 'watched' });
    expect(kinds.filter((kind) => kind === 'e').length).toBeGreaterThan(0);
  }, 30_000);
});
