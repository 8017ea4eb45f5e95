/**
 * The Redis app store with a real redis-server: two server nodes sharing a Redis serve an app as
 * soon as it is stored, follow a rotated secret and a removal (4001 to its connections), skip an
 * invalid entry, and let a configured app win over a stored one with the same id or key.
 */
import { randomBytes } from 'node:crypto';
import { officialSdk, statusOf, useRedisServer, waitUntil } from '@pushwire/test-support';
import { Redis } from 'ioredis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RedisAppFollower } from '../src/apps/redis-app-follower';
import type { StoredAppEntry } from '../src/apps/redis-app-store';
import {
  type AppOptions,
  appsKey,
  connectRedisAppStore,
  createLogger,
  createServer,
  type RedisAppStore,
} from '../src/index';
import { silentLogger } from '../src/observability/logger';
import { APP, connect, RawClient } from './ws-helpers';

const redisUrl = useRedisServer();
const STORED: AppOptions = Object.freeze({
  id: 'stored-1',
  key: 'stored-key-1',
  secret: 'stored-secret-1',
});

async function startNode(keyPrefix: string, lines: string[] = [], redisApps = true) {
  const server = createServer({
    port: 0,
    redisApps,
    apps: [APP],
    redisUrl: redisUrl(),
    redisKeyPrefix: keyPrefix,
    logger: createLogger({ level: 'info', write: (line) => lines.push(line) }),
  });
  onTestFinished(() => server.close());
  const address = await server.listen();
  return {
    server,
    port: address.port,
    wsUrl: (key: string) => `ws://127.0.0.1:${address.port}/app/${key}?protocol=7`,
  };
}

async function storeFor(keyPrefix: string): Promise<RedisAppStore> {
  const connected = await connectRedisAppStore(redisUrl(), keyPrefix);
  onTestFinished(() => connected.close());
  return connected.store;
}

const prefix = () => `apps-${randomBytes(4).toString('hex')}:`;

describe('the Redis app store', () => {
  it('two nodes serve a stored app at once, follow a rotated secret and a removal', async () => {
    const keyPrefix = prefix();
    const [a, b] = [await startNode(keyPrefix), await startNode(keyPrefix)];
    const store = await storeFor(keyPrefix);

    await store.add(STORED);
    await waitUntil(() => a.server.apps.byId(STORED.id) !== undefined);
    await waitUntil(() => b.server.apps.byId(STORED.id) !== undefined);
    const client = await connect(b.wsUrl(STORED.key));
    await client.join('news', undefined, STORED);
    expect(await statusOf(officialSdk(a.port, STORED).trigger('news', 'hello', { n: 1 }))).toBe(
      200,
    );
    expect((await client.event('hello', 'news')).data).toBe('{"n":1}');

    const rotated = { ...STORED, secret: 'stored-secret-rotated' };
    await store.update(rotated);
    await waitUntil(() => a.server.apps.byId(STORED.id)?.secret === rotated.secret);
    expect(await statusOf(officialSdk(a.port, STORED).trigger('news', 'e', {}))).toBe(401);
    expect(await statusOf(officialSdk(a.port, rotated).trigger('news', 'e', {}))).toBe(200);

    await store.remove(STORED.id);
    expect(await client.closed).toEqual({ code: 4001, reason: 'Application was removed' });
    await waitUntil(() => a.server.apps.byId(STORED.id) === undefined);
    expect(await statusOf(officialSdk(a.port, rotated).trigger('news', 'e', {}))).toBe(404);
    expect(a.server.apps.all().map((app) => app.id)).toEqual([APP.id]);
  });

  it('serves the stored apps a node finds when it starts', async () => {
    const keyPrefix = prefix();
    await (await storeFor(keyPrefix)).add(STORED);
    const node = await startNode(keyPrefix);
    expect(node.server.apps.byKey(STORED.key)?.id).toBe(STORED.id);
    await connect(node.wsUrl(STORED.key));
  });

  it('ignores the store with redisApps: false', async () => {
    const keyPrefix = prefix();
    await (await storeFor(keyPrefix)).add(STORED);
    const node = await startNode(keyPrefix, [], false);
    expect(node.server.apps.all().map((app) => app.id)).toEqual([APP.id]);
  });

  it('skips an invalid stored entry (logged without its secret), keeping the last good one', async () => {
    const keyPrefix = prefix();
    const lines: string[] = [];
    const node = await startNode(keyPrefix, lines);
    const store = await storeFor(keyPrefix);
    await store.add(STORED);
    await waitUntil(() => node.server.apps.byId(STORED.id) !== undefined);

    const raw = new Redis(redisUrl());
    onTestFinished(async () => {
      await raw.quit();
    });
    await raw.hset(
      appsKey(keyPrefix),
      STORED.id,
      JSON.stringify({ ...STORED, secret: 'bad-secret-x', limits: { nope: 1 } }),
    );
    await raw.hset(appsKey(keyPrefix), 'broken', '{"id": "broken", "secret": "never-logged-');
    await raw.publish(store.channel, STORED.id);
    await waitUntil(() => lines.some((line) => line.includes('"appId":"broken"')));
    expect(lines.join('\n')).toContain(
      'Invalid server option \\"storedApps.stored-1.limits.nope\\": unknown option',
    );
    expect(lines.join('\n')).toContain('not JSON, or over the size limit');
    expect(lines.join('\n')).not.toContain('never-logged');
    expect(lines.join('\n')).not.toContain('bad-secret-x');
    expect(node.server.apps.byId(STORED.id)?.secret).toBe(STORED.secret);
    expect(node.server.apps.byId('broken')).toBeUndefined();
    // Read again (a change announced): the same problems are not logged twice.
    const logged = lines.length;
    await store.add({ id: 'fine', key: 'fine-key', secret: 'fine-secret' });
    await waitUntil(() => node.server.apps.byId('fine') !== undefined);
    expect(lines.slice(logged).join('\n')).not.toContain('invalid app');
  });

  it('lets a configured app win over a stored app with the same key', async () => {
    const keyPrefix = prefix();
    const lines: string[] = [];
    await (await storeFor(keyPrefix)).add({ id: 'other', key: APP.key, secret: 'other-secret' });
    const node = await startNode(keyPrefix, lines);
    expect(node.server.apps.all().map((app) => app.id)).toEqual([APP.id]);
    expect(lines.join('\n')).toContain('its id or key is already used');
    const refused = new RawClient(node.wsUrl('nope'));
    expect((await refused.closed).code).toBe(4001);
  });

  it('rejects a duplicate id or key and a missing app in the store itself', async () => {
    const store = await storeFor(prefix());
    await store.add(STORED);
    await expect(store.add(STORED)).rejects.toThrow('App stored-1 already exists in the app store');
    await expect(store.add({ ...STORED, id: 'two' })).rejects.toThrow(
      'The key of app two is used by stored app stored-1',
    );
    await expect(store.update({ ...STORED, id: 'ghost', key: 'k' })).rejects.toThrow(
      'does not exist',
    );
    await expect(store.remove('ghost')).rejects.toThrow(
      'App ghost does not exist in the app store',
    );
    await expect(store.add({ id: 'x', key: 'k x', secret: 'hidden-value' })).rejects.toThrow(
      'Invalid server option "app.key": may contain only letters, digits and _ - . ~',
    );
  });

  it('re-reads the store periodically, so a change whose message was missed is picked up', async () => {
    const keyPrefix = prefix();
    const reads: (readonly StoredAppEntry[])[] = [];
    const follower = await RedisAppFollower.start({
      url: redisUrl(),
      keyPrefix,
      logger: silentLogger,
      refreshMs: 100,
      onApps: (entries) => reads.push(entries),
    });
    onTestFinished(() => follower.close());
    const raw = new Redis(redisUrl());
    onTestFinished(async () => {
      await raw.quit();
    });
    // Written without the announcement a `pushwire apps` command would publish.
    await raw.hset(appsKey(keyPrefix), STORED.id, JSON.stringify(STORED));
    await waitUntil(() => reads.at(-1)?.[0]?.id === STORED.id);
  });
});
