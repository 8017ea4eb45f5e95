/**
 * The Redis app store on a real 3-master Redis Cluster: two nodes given a `redis+cluster://` URL
 * serve an app as soon as `connectRedisAppStore` (what `pushwire apps add` uses) stores it there,
 * and close its connections with 4001 when it is removed.
 */
import { randomBytes } from 'node:crypto';
import { waitUntil } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type AppOptions, connectRedisAppStore, createServer } from '../src/index';
import { silentLogger } from '../src/observability/logger';
import { useRedisCluster } from './helpers/redis-cluster';
import { APP, connect } from './ws-helpers';

const cluster = useRedisCluster();
const STORED: AppOptions = Object.freeze({ id: 'c-1', key: 'c-key-1', secret: 'c-secret-1' });

async function startNode(keyPrefix: string) {
  const server = createServer({
    port: 0,
    apps: [APP],
    redisUrl: cluster().url,
    redisKeyPrefix: keyPrefix,
    logger: silentLogger,
  });
  onTestFinished(() => server.close());
  const { port } = await server.listen();
  return { server, wsUrl: (key: string) => `ws://127.0.0.1:${port}/app/${key}?protocol=7` };
}

describe('the Redis app store on a Redis Cluster', () => {
  it('two nodes serve an app stored through a cluster URL and drop it when removed', async () => {
    const keyPrefix = `apps-${randomBytes(4).toString('hex')}:`;
    const [a, b] = [await startNode(keyPrefix), await startNode(keyPrefix)];
    const connected = await connectRedisAppStore(cluster().url, keyPrefix);
    onTestFinished(() => connected.close());

    await connected.store.add(STORED);
    await waitUntil(() => a.server.apps.byId(STORED.id) !== undefined);
    await waitUntil(() => b.server.apps.byId(STORED.id) !== undefined);
    const client = await connect(b.wsUrl(STORED.key));

    await connected.store.remove(STORED.id);
    expect(await client.closed).toEqual({ code: 4001, reason: 'Application was removed' });
    await waitUntil(() => a.server.apps.byId(STORED.id) === undefined);
  });
});
