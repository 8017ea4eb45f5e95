/**
 * @module test/adapters-redis
 * The shared adapter contract on a real redis-server and on a real 3-master Redis Cluster (2- and
 * 3-node clusters in one process, each node with its own Redis connections), plus what only the
 * Redis adapter does: reaping a crashed node (on both), surviving a Redis restart and a cluster
 * master restart, the cluster's slot layout, key-prefix isolation and option validation.
 */
import { randomBytes } from 'node:crypto';
import { redisServerForTest, useRedisServer } from '@pushwire/test-support';
import type { Cluster, Redis } from 'ioredis';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Adapter, ClusterChange } from '../src/adapters/adapter';
import { AdapterConfigError } from '../src/adapters/adapter-errors';
import { RedisAdapter, type RedisAdapterOptions } from '../src/adapters/redis';
import { REAP_NODE } from '../src/adapters/redis/lua-scripts';
import {
  byUser,
  type ContractCluster,
  eventually,
  RecordingHandlers,
  type Removal,
  runAdapterContract,
} from './adapters-contract';
import { useRedisCluster } from './helpers/redis-cluster';

const redisUrl = useRedisServer();
const redisCluster = useRedisCluster();

/** The two Redis topologies the multi-node tests run on. */
const TOPOLOGIES = [
  { topology: 'one Redis', url: () => redisUrl() },
  { topology: 'a 3-master Redis Cluster', url: () => redisCluster().url },
] as const;

function uniquePrefix(): string {
  return `t-${randomBytes(4).toString('hex')}:`;
}

interface TestNode {
  readonly adapter: RedisAdapter;
  readonly handlers: RecordingHandlers;
}

/** A started node (its RecordingHandlers implement clusterChanged: additions are reported too). */
async function startNode(options: Partial<RedisAdapterOptions> & { keyPrefix: string }) {
  const adapter = new RedisAdapter({ url: redisUrl(), heartbeatIntervalMs: 100, ...options });
  const handlers = new RecordingHandlers();
  await adapter.start(handlers);
  return { adapter, handlers };
}

/** An adapter on the given ioredis client works, and closing it leaves the client open. */
async function expectServesThroughAndLeavesOpen(client: Redis | Cluster): Promise<void> {
  onTestFinished(() => {
    client.disconnect();
  });
  const adapter = new RedisAdapter({ redis: client, keyPrefix: uniquePrefix() });
  await adapter.start(new RecordingHandlers());
  expect(adapter.health()).toEqual({ ok: true });
  expect(await adapter.addConnection('a', '1.1')).toBe(1);
  await adapter.close();
  expect(await client.ping()).toBe('PONG');
}

/** After Redis came back empty: `node` sees the state both nodes wrote back from their mirrors. */
async function expectMirrorsWrittenBack(node: TestNode): Promise<void> {
  expect(await node.adapter.channel('app', 'c')).toEqual({ subscriptionCount: 2 });
  expect(await node.adapter.channel('app', 'during')).toEqual({ subscriptionCount: 1 });
  expect(byUser(await node.adapter.members('app', 'presence-p'))).toEqual([
    { userId: 'u1', userInfo: 1 },
    { userId: 'u2', userInfo: 2 },
  ]);
  expect(await node.adapter.addConnection('app', '2.9')).toBe(2);
}

/** One line per reported change, for readable assertions. */
function describeChange(c: ClusterChange): string {
  return c.kind === 'member'
    ? `${c.direction} member ${c.channel} ${c.socketId} ${c.change.member.userId} ${c.change.userCount} ${c.change.transitioned}`
    : `${c.direction} sub ${c.channel} ${c.socketId} ${c.change.subscriptionCount} ${c.change.transitioned}`;
}

/** Makes the contract's clusters of nodes on the Redis (or Redis Cluster) at `url()`. */
function makeNodesOn(url: () => string) {
  return async (nodeCount: number): Promise<ContractCluster> => {
    const keyPrefix = uniquePrefix();
    const nodes: TestNode[] = [];
    for (let i = 0; i < nodeCount; i++) nodes.push(await startNode({ url: url(), keyPrefix }));
    return {
      nodes,
      elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      close: async () => {
        await Promise.all(nodes.map((node) => node.adapter.close()));
      },
    };
  };
}

runAdapterContract('RedisAdapter', makeNodesOn(redisUrl), { maxNodes: 3 });
runAdapterContract(
  'RedisAdapter on a Redis Cluster',
  makeNodesOn(() => redisCluster().url),
  {
    maxNodes: 3,
  },
);

describe.each(TOPOLOGIES)('RedisAdapter: node failure on $topology', ({ url }) => {
  it('a survivor reaps a crashed node once: members, counts and transitions', async () => {
    const keyPrefix = uniquePrefix();
    const nodeTimeoutMs = 400;
    const nodes = [
      await startNode({ url: url(), keyPrefix, nodeTimeoutMs }),
      await startNode({ url: url(), keyPrefix, nodeTimeoutMs }),
      await startNode({ url: url(), keyPrefix, nodeTimeoutMs }),
    ];
    onTestFinished(() => Promise.all(nodes.map((node) => node.adapter.close())).then(() => {}));
    const [a, b, crashed] = [nodes[0]!, nodes[1]!, nodes[2]!];
    const alice = { userId: 'alice', userInfo: { n: 'A' } };
    const carol = { userId: 'carol', userInfo: { n: 'C' } };
    await a.adapter.addConnection('app', '1.1');
    await a.adapter.addSubscription('app', 'presence-room', '1.1');
    await a.adapter.addMember('app', 'presence-room', '1.1', alice);
    await crashed.adapter.addConnection('app', '3.1');
    await crashed.adapter.addConnection('app', '3.2');
    await crashed.adapter.addSubscription('app', 'presence-room', '3.1');
    await crashed.adapter.addMember('app', 'presence-room', '3.1', alice);
    await crashed.adapter.addSubscription('app', 'presence-room', '3.2');
    await crashed.adapter.addMember('app', 'presence-room', '3.2', carol);
    await crashed.adapter.addSubscription('app', 'only-crashed', '3.1');

    await crashed.adapter.abandonForTesting();
    const reaper = await Promise.race(
      [a, b].map((node) =>
        node.handlers.until(() => node.handlers.orphans.length > 0, 'orphans').then(() => node),
      ),
    );
    const other = reaper === a ? b : a;
    const changes: Removal[] = reaper.handlers.orphans.flat();
    const summary = changes.map((c) =>
      c.kind === 'member'
        ? `member ${c.channel} ${c.socketId} ${c.change.member.userId} ${c.change.userCount} ${c.change.transitioned}`
        : `sub ${c.channel} ${c.socketId} ${c.change.subscriptionCount} ${c.change.transitioned}`,
    );
    expect(summary.slice(0, 2).sort()).toEqual([
      expect.stringMatching(/^member presence-room 3\.1 alice [12] false$/),
      'member presence-room 3.2 carol 1 true',
    ]);
    expect(summary.slice(2).sort()).toEqual([
      'sub only-crashed 3.1 0 true',
      expect.stringMatching(/^sub presence-room 3\.1 [12] false$/),
      expect.stringMatching(/^sub presence-room 3\.2 [12] false$/),
    ]);
    const carolChange = changes.find((c) => c.kind === 'member' && c.socketId === '3.2');
    expect(carolChange?.kind === 'member' && carolChange.change.member).toEqual(carol);
    expect(await a.adapter.members('app', 'presence-room')).toEqual([alice]);
    expect(await b.adapter.channel('app', 'presence-room')).toEqual({
      subscriptionCount: 1,
      userCount: 1,
    });
    expect(await b.adapter.channel('app', 'only-crashed')).toBeUndefined();
    expect(await b.adapter.addConnection('app', '2.1')).toBe(2);
    // Only one survivor reaped: give the other a few heartbeats to prove it stays silent.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(other.handlers.orphans).toEqual([]);
    expect(reaper.handlers.orphans).toHaveLength(1);
  });

  it('a node that starts later reaps a node that died before it started', async () => {
    const keyPrefix = uniquePrefix();
    const crashed = await startNode({ url: url(), keyPrefix, nodeTimeoutMs: 300 });
    await crashed.adapter.addSubscription('app', 'c', '9.1');
    await crashed.adapter.abandonForTesting();
    await new Promise((resolve) => setTimeout(resolve, 350));
    const late = await startNode({ url: url(), keyPrefix, nodeTimeoutMs: 300 });
    onTestFinished(() => late.adapter.close());
    await late.handlers.until(() => late.handlers.orphans.length === 1, 'reap by the late node');
    expect(late.handlers.orphans[0]).toEqual([
      {
        kind: 'subscription',
        appId: 'app',
        channel: 'c',
        socketId: '9.1',
        change: { subscriptionCount: 0, transitioned: true },
      },
    ]);
  });
});

describe('RedisAdapter: Redis restart', () => {
  it('keeps serving locally while Redis is down, then resynchronizes every node', async () => {
    const server = await redisServerForTest();
    const keyPrefix = uniquePrefix();
    const logged: string[] = [];
    const logger = {
      debug: () => {},
      info: (message: string) => logged.push(`info ${message}`),
      warn: (message: string) => logged.push(`warn ${message}`),
      error: (message: string) => logged.push(`error ${message}`),
    };
    const a = await startNode({ url: server.url, keyPrefix, logger, commandTimeoutMs: 1000 });
    const b = await startNode({ url: server.url, keyPrefix, commandTimeoutMs: 1000 });
    onTestFinished(() => Promise.all([a.adapter.close(), b.adapter.close()]).then(() => {}));
    await a.adapter.addConnection('app', '1.1');
    await a.adapter.addSubscription('app', 'c', '1.1');
    await a.adapter.addSubscription('app', 'c', '1.2');
    await a.adapter.addMember('app', 'presence-p', '1.1', { userId: 'u1', userInfo: 1 });
    await b.adapter.addSubscription('app', 'c', '2.1');
    await b.adapter.addMember('app', 'presence-p', '2.1', { userId: 'u2', userInfo: 2 });

    expect(a.handlers.healthChanges).toEqual([]);
    await server.stop();
    await a.handlers.until(() => a.handlers.healthChanges.length > 0, 'a unhealthy');
    expect(a.adapter.health().ok).toBe(false);
    expect(a.adapter.health().detail).toMatch(/redis unavailable/);
    // The REST API answers 503 meanwhile: a publish would stay on this node.
    expect(a.adapter.canReachCluster()).toBe(false);
    // Local delivery and local state keep working; nothing throws.
    a.adapter.publish({ appId: 'app', channel: 'c', frame: 'during-outage' });
    expect(a.handlers.delivered.map((m) => m.frame)).toEqual(['during-outage']);
    await a.adapter.terminateUser('app', 'u1');
    expect(a.handlers.terminated).toHaveLength(1);
    expect(await a.adapter.removeSubscription('app', 'c', '1.2')).toEqual({
      subscriptionCount: 1,
      transitioned: false,
      provisional: true,
    });
    expect(await a.adapter.addSubscription('app', 'during', '1.1')).toEqual({
      subscriptionCount: 1,
      transitioned: true,
      provisional: true,
    });
    expect(await a.adapter.channel('app', 'c')).toEqual({ subscriptionCount: 1 });
    expect(await a.adapter.members('app', 'presence-p')).toEqual([{ userId: 'u1', userInfo: 1 }]);
    expect(await a.adapter.claimOnce('k', 10)).toBe(true);
    await a.adapter.setCachedEvent('app', 'cache-x', { event: 'e', data: 'd' }, 10);
    expect((await a.adapter.cachedEvent('app', 'cache-x'))?.event).toEqual({
      event: 'e',
      data: 'd',
    });
    expect(
      logged.filter((line) => line.startsWith('error')),
      logged.join('\n'),
    ).toHaveLength(1);

    await server.restart();
    for (const node of [a, b]) {
      await node.handlers.until(() => node.adapter.health().ok, 'healthy again', 10_000);
    }
    expect(a.handlers.healthChanges.map((h) => h.ok)).toEqual([false, true]);
    expect(a.adapter.canReachCluster()).toBe(true);
    expect(logged.some((line) => line.startsWith('info'))).toBe(true);
    // Redis restarted empty: both nodes wrote their mirrors back.
    await expectMirrorsWrittenBack(b);
    b.adapter.publish({ appId: 'app', channel: 'c', frame: 'after' });
    await a.handlers.until(
      () => a.handlers.delivered.some((m) => m.frame === 'after'),
      'cross-node delivery after recovery',
    );
  });

  it('after a stall, announces to the cluster what left during it (resync diff)', async () => {
    const { Redis } = await import('ioredis');
    const admin = new Redis(redisUrl());
    onTestFinished(() => {
      admin.disconnect();
    });
    const keyPrefix = uniquePrefix();
    const a = await startNode({ keyPrefix, commandTimeoutMs: 200 });
    const b = await startNode({ keyPrefix, commandTimeoutMs: 200 });
    onTestFinished(() => Promise.all([a.adapter.close(), b.adapter.close()]).then(() => {}));
    await a.adapter.addSubscription('app', 'c', '1.1');
    await a.adapter.addMember('app', 'presence-p', '1.1', { userId: 'u1', userInfo: null });
    await b.adapter.addMember('app', 'presence-p', '2.1', { userId: 'u2', userInfo: null });

    // Redis stalls (every client paused): commands time out and node a falls back to its mirror.
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    await a.adapter.addConnection('app', '1.9');
    await a.handlers.until(() => a.handlers.healthChanges.length > 0, 'a unhealthy');
    expect(await a.adapter.removeMember('app', 'presence-p', '1.1')).toEqual({
      member: { userId: 'u1', userInfo: null },
      userCount: 0,
      transitioned: true,
      provisional: true,
    });
    expect((await a.adapter.removeSubscription('app', 'c', '1.1'))?.transitioned).toBe(true);

    await a.handlers.until(() => a.adapter.health().ok, 'a healthy again', 10_000);
    await a.handlers.until(() => a.handlers.orphans.length > 0, 'changes reported', 10_000);
    // What Redis still held for node a is removed and reported, so the cluster hears of it.
    const reported = a.handlers.orphans.flat();
    expect(reported).toContainEqual({
      kind: 'member',
      appId: 'app',
      channel: 'presence-p',
      socketId: '1.1',
      change: { member: { userId: 'u1', userInfo: null }, userCount: 1, transitioned: true },
    });
    expect(reported).toContainEqual({
      kind: 'subscription',
      appId: 'app',
      channel: 'c',
      socketId: '1.1',
      change: { subscriptionCount: 0, transitioned: true },
    });
    await b.handlers.until(() => b.adapter.health().ok, 'b healthy again', 10_000);
    expect(await b.adapter.members('app', 'presence-p')).toEqual([
      { userId: 'u2', userInfo: null },
    ]);
    expect(await b.adapter.channel('app', 'c')).toBeUndefined();
    expect(await b.adapter.addConnection('app', '2.1')).toBe(2);
  });

  it('starts without Redis, serves locally, and reports the fault', async () => {
    const adapter = new RedisAdapter({
      url: 'redis://127.0.0.1:1',
      keyPrefix: uniquePrefix(),
      commandTimeoutMs: 500,
    });
    const handlers = new RecordingHandlers();
    onTestFinished(() => adapter.close());
    await adapter.start(handlers);
    expect(adapter.health().ok).toBe(false);
    adapter.publish({ appId: 'a', channel: 'c', frame: 'f' });
    expect(handlers.delivered).toHaveLength(1);
    expect(await adapter.addSubscription('a', 'c', '1.1')).toEqual({
      subscriptionCount: 1,
      transitioned: true,
      provisional: true,
    });
  });

  it('logs an unreachable Redis at start loudly, and again until it answers', async () => {
    const errors: string[] = [];
    const details: string[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (message: string, meta?: Record<string, unknown>) => {
        errors.push(message);
        details.push(JSON.stringify(meta));
      },
    };
    const adapter = new RedisAdapter({
      url: 'redis://user:hunter2@127.0.0.1:1',
      keyPrefix: uniquePrefix(),
      commandTimeoutMs: 500,
      outageLogIntervalMs: 50,
      logger,
    });
    onTestFinished(() => adapter.close());
    await adapter.start(new RecordingHandlers());
    expect(errors[0]).toBe('redis adapter started without redis: serving local clients only');
    await eventually(
      async () => errors.length,
      (count) => count >= 4,
      'three outage reminders',
    );
    expect(errors.slice(1, 4)).toEqual(
      Array(3).fill('redis still unreachable: serving local clients only'),
    );
    expect(details.join('\n')).not.toContain('hunter2');
    await adapter.close();
    const afterClose = errors.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(errors.length).toBe(afterClose);
  });

  it('resyncs in batches to exactly what the node holds, while its clients keep changing', async () => {
    const { Redis } = await import('ioredis');
    const admin = new Redis(redisUrl());
    onTestFinished(() => {
      admin.disconnect();
    });
    const keyPrefix = uniquePrefix();
    const a = await startNode({ keyPrefix, commandTimeoutMs: 300 });
    const b = await startNode({ keyPrefix, commandTimeoutMs: 300 });
    onTestFinished(() => Promise.all([a.adapter.close(), b.adapter.close()]).then(() => {}));
    // More entries than one resync batch holds (1,000), so the resync takes several steps.
    const held = 3000;
    await a.adapter.addConnection('app', '1.1');
    await Promise.all(
      Array.from({ length: held }, (_, i) => a.adapter.addSubscription('app', `old-${i}`, '1.1')),
    );
    const expected = new Set(Array.from({ length: held }, (_, i) => `old-${i}`));

    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    await a.adapter.addConnection('app', '1.9');
    await a.handlers.until(() => !a.adapter.health().ok, 'a unhealthy');
    // Left while cut off: the resync finds them in Redis (SSCAN) and removes them.
    for (let i = 0; i < 1500; i++) {
      await a.adapter.removeSubscription('app', `old-${i}`, '1.1');
      expected.delete(`old-${i}`);
    }
    // Clients keep leaving and joining until (and while) the node resynchronizes.
    let k = 0;
    while (!a.adapter.health().ok && k < 1500) {
      await a.adapter.removeSubscription('app', `old-${1500 + k}`, '1.1');
      expected.delete(`old-${1500 + k}`);
      await a.adapter.addSubscription('app', `new-${k}`, '1.1');
      expected.add(`new-${k}`);
      k++;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await a.handlers.until(() => a.adapter.health().ok, 'a healthy again', 10_000);
    // The other node sees exactly what node a holds.
    const seen = await b.adapter.channels('app');
    expect([...seen.keys()].sort()).toEqual([...expected].sort());
  });
});

describe('RedisAdapter: deployments and options', () => {
  it('deployments with different key prefixes share one Redis without cross-talk', async () => {
    const first = uniquePrefix();
    const second = uniquePrefix();
    const nodes = [
      await startNode({ keyPrefix: first }),
      await startNode({ keyPrefix: first }),
      await startNode({ keyPrefix: second }),
      await startNode({ keyPrefix: second }),
    ];
    onTestFinished(() => Promise.all(nodes.map((n) => n.adapter.close())).then(() => {}));
    const [one, oneMore, two, twoMore] = [nodes[0]!, nodes[1]!, nodes[2]!, nodes[3]!];
    await one.adapter.addSubscription('app', 'c', '1.1');
    expect(await oneMore.adapter.channel('app', 'c')).toEqual({ subscriptionCount: 1 });
    expect(await two.adapter.channel('app', 'c')).toBeUndefined();
    expect(await two.adapter.addSubscription('app', 'c', '2.1')).toEqual({
      subscriptionCount: 1,
      transitioned: true,
    });
    one.adapter.publish({ appId: 'app', channel: 'c', frame: 'one' });
    two.adapter.publish({ appId: 'app', channel: 'c', frame: 'two' });
    await oneMore.handlers.until(() => oneMore.handlers.delivered.length > 0, 'first bus');
    await twoMore.handlers.until(() => twoMore.handlers.delivered.length > 0, 'second bus');
    expect(oneMore.handlers.delivered.map((m) => m.frame)).toEqual(['one']);
    expect(twoMore.handlers.delivered.map((m) => m.frame)).toEqual(['two']);
    expect(one.handlers.delivered.map((m) => m.frame)).toEqual(['one']);
    expect(two.handlers.delivered.map((m) => m.frame)).toEqual(['two']);
  });

  it('rejects bad options with a typed error that never echoes the URL', () => {
    const make = (options: RedisAdapterOptions): Adapter => new RedisAdapter(options);
    expect(() => make({})).toThrow(AdapterConfigError);
    expect(() => make({ url: 'http://x' })).toThrow(/url must start with redis/);
    expect(() => make({ url: 'redis://h', heartbeatIntervalMs: 0 })).toThrow(/heartbeatIntervalMs/);
    expect(() =>
      make({ url: 'redis://h', heartbeatIntervalMs: 1000, nodeTimeoutMs: 1500 }),
    ).toThrow(/nodeTimeoutMs/);
    try {
      make({ url: 'redis://:s3cret@h', nodeTimeoutMs: -1 });
    } catch (error) {
      expect(String(error)).not.toContain('s3cret');
    }
  });

  it('copies connection settings from a given ioredis client and leaves it open', async () => {
    const { Redis } = await import('ioredis');
    await expectServesThroughAndLeavesOpen(new Redis(redisUrl()));
  });
});

describe('RedisAdapter: rate windows', () => {
  it('keeps a window in one key per app and kind, hash-tagged by app, gone 2 s later', async () => {
    const keyPrefix = uniquePrefix();
    const { adapter } = await startNode({ keyPrefix });
    onTestFinished(() => adapter.close());
    const { Redis } = await import('ioredis');
    const admin = new Redis(redisUrl());
    onTestFinished(() => admin.quit().then(() => {}));
    const quota = await adapter.takeRateQuota('app 1', 'events', 3, 10);
    expect(quota.granted).toBe(3);
    const key = `${keyPrefix}rate:{app%201}:events`;
    expect(await admin.hgetall(key)).toEqual({ w: String(quota.window), n: '3' });
    const ttl = await admin.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);
    expect(await admin.exists(`${keyPrefix}rate:{app%201}:reads`)).toBe(0);
    // Nothing granted, nothing written.
    await adapter.takeRateQuota('app 2', 'reads', 0, 10);
    expect(await admin.exists(`${keyPrefix}rate:{app%202}:reads`)).toBe(0);
  });

  it("counts in this node's own windows while Redis is unreachable", async () => {
    const adapter = new RedisAdapter({
      url: 'redis://127.0.0.1:1',
      keyPrefix: uniquePrefix(),
      commandTimeoutMs: 500,
    });
    onTestFinished(() => adapter.close());
    await adapter.start(new RecordingHandlers());
    expect(adapter.health().ok).toBe(false);
    const first = await adapter.takeRateQuota('app', 'events', 3, 2);
    const second = await adapter.takeRateQuota('app', 'events', 1, 2);
    if (second.window === first.window) {
      expect([first.granted, second.granted]).toEqual([2, 0]);
    } else {
      expect(second.granted).toBe(1); // a window ended between the two calls
    }
  });
});

describe('RedisAdapter: resync reports what the cluster did not hear of', () => {
  it('joins during an outage are reported once as additions, with cluster-wide transitions', async () => {
    const { Redis } = await import('ioredis');
    const admin = new Redis(redisUrl());
    onTestFinished(() => {
      admin.disconnect();
    });
    const keyPrefix = uniquePrefix();
    const a = await startNode({ keyPrefix, commandTimeoutMs: 200 });
    const b = await startNode({ keyPrefix, commandTimeoutMs: 200 });
    onTestFinished(() => Promise.all([a.adapter.close(), b.adapter.close()]).then(() => {}));
    const alice = { userId: 'alice', userInfo: { n: 'A' } };
    const bob = { userId: 'bob', userInfo: { n: 'B' } };
    const carol = { userId: 'carol', userInfo: { n: 'C' } };
    await a.adapter.addSubscription('app', 'presence-p', '1.1');
    await a.adapter.addMember('app', 'presence-p', '1.1', alice);
    await b.adapter.addSubscription('app', 'presence-p', '2.1');
    await b.adapter.addMember('app', 'presence-p', '2.1', bob);

    await admin.call('CLIENT', 'PAUSE', '2500', 'ALL');
    await a.adapter.addConnection('app', '1.9');
    await a.handlers.until(() => a.handlers.healthChanges.length > 0, 'a unhealthy');
    // Cut off: answers come from a's own view and say so.
    expect(await a.adapter.addSubscription('app', 'presence-p', '1.5')).toEqual({
      subscriptionCount: 2,
      transitioned: false,
      provisional: true,
    });
    expect(await a.adapter.addMember('app', 'presence-p', '1.5', carol)).toEqual({
      member: carol,
      userCount: 2,
      transitioned: true,
      provisional: true,
    });
    await a.adapter.addSubscription('app', 'presence-p', '1.6');
    // bob is new to a's view but already a member through node b.
    expect(await a.adapter.addMember('app', 'presence-p', '1.6', bob)).toMatchObject({
      transitioned: true,
    });
    await a.adapter.addSubscription('app', 'fresh', '1.5');
    // Joined and left within the outage: nothing to report.
    await a.adapter.addSubscription('app', 'fleeting', '1.7');
    await a.adapter.removeSubscription('app', 'fleeting', '1.7');

    await a.handlers.until(() => a.adapter.health().ok, 'a healthy again', 10_000);
    await b.handlers.until(() => b.adapter.health().ok, 'b healthy again', 10_000);
    await a.handlers.until(() => a.handlers.clusterChanges.length > 0, 'additions reported');
    expect(a.handlers.clusterChanges.flat().map(describeChange)).toEqual([
      'added sub presence-p 1.5 3 false',
      'added sub presence-p 1.6 4 false',
      'added sub fresh 1.5 1 true',
      'added member presence-p 1.5 carol 3 true',
      'added member presence-p 1.6 bob 3 false',
    ]);
    expect(a.handlers.clusterChanges).toHaveLength(1);
    // Additions only: no removal was reported.
    expect(a.handlers.orphans).toEqual([]);
    expect(b.handlers.clusterChanges).toEqual([]);
    expect(byUser(await b.adapter.members('app', 'presence-p'))).toEqual([alice, bob, carol]);
    expect(await b.adapter.channel('app', 'fresh')).toEqual({ subscriptionCount: 1 });
    expect(await b.adapter.channel('app', 'fleeting')).toBeUndefined();
    // Reported once: later heartbeats and resyncs stay silent.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a.handlers.clusterChanges).toHaveLength(1);
  });

  it('a node reaped while cut off re-announces everything it holds when it is back', async () => {
    const { Redis } = await import('ioredis');
    const admin = new Redis(redisUrl());
    onTestFinished(() => {
      admin.disconnect();
    });
    const keyPrefix = uniquePrefix();
    const a = await startNode({ keyPrefix });
    const b = await startNode({ keyPrefix });
    onTestFinished(() => Promise.all([a.adapter.close(), b.adapter.close()]).then(() => {}));
    const carol = { userId: 'carol', userInfo: null };
    await a.adapter.addSubscription('app', 'presence-p', '1.1');
    await a.adapter.addMember('app', 'presence-p', '1.1', carol);
    await b.adapter.addSubscription('app', 'presence-p', '2.1');
    await b.adapter.addMember('app', 'presence-p', '2.1', { userId: 'bob', userInfo: null });

    // What node b does when a's heartbeats stop for longer than the timeout (a fault a live peer
    // cannot be made to produce here): reap a on b's behalf.
    await admin.eval(REAP_NODE, 0, keyPrefix, a.adapter.nodeId, 0, '0', b.adapter.nodeId);
    await b.handlers.until(() => b.handlers.clusterChanges.length > 0, 'b reports the reap');
    expect(b.handlers.clusterChanges.flat().map(describeChange)).toEqual([
      'removed member presence-p 1.1 carol 1 true',
      'removed sub presence-p 1.1 1 false',
    ]);
    await a.handlers.until(() => a.handlers.clusterChanges.length > 0, 'a re-announces');
    expect(a.handlers.clusterChanges.flat().map(describeChange)).toEqual([
      'added sub presence-p 1.1 2 false',
      'added member presence-p 1.1 carol 2 true',
    ]);
    expect(byUser(await b.adapter.members('app', 'presence-p')).map((m) => m.userId)).toEqual([
      'bob',
      'carol',
    ]);
  });

  it('a plain restore after Redis lost its data announces only the joins of the outage', async () => {
    const server = await redisServerForTest();
    const keyPrefix = uniquePrefix();
    const a = await startNode({ url: server.url, keyPrefix, commandTimeoutMs: 1000 });
    onTestFinished(() => a.adapter.close());
    await a.adapter.addSubscription('app', 'before', '1.1');
    await server.stop();
    await a.handlers.until(() => a.handlers.healthChanges.length > 0, 'a unhealthy');
    expect((await a.adapter.addSubscription('app', 'during', '1.1')).provisional).toBe(true);
    await server.restart();
    await a.handlers.until(() => a.adapter.health().ok, 'healthy again', 10_000);
    await a.handlers.until(() => a.handlers.clusterChanges.length > 0, 'additions reported');
    expect(a.handlers.clusterChanges.flat().map(describeChange)).toEqual([
      'added sub during 1.1 1 true',
    ]);
    expect(await a.adapter.channel('app', 'before')).toEqual({ subscriptionCount: 1 });
  });
});

describe('RedisAdapter on a Redis Cluster', () => {
  it('keeps the state in the slot of {prefix}, the other keys and the bus spread over the masters', async () => {
    const { Cluster } = await import('ioredis');
    const cluster = redisCluster();
    const keyPrefix = uniquePrefix();
    const a = await startNode({ url: cluster.url, keyPrefix });
    const b = await startNode({ url: cluster.url, keyPrefix });
    onTestFinished(() => Promise.all([a.adapter.close(), b.adapter.close()]).then(() => {}));
    await a.adapter.addConnection('app', '1.1');
    await a.adapter.addSubscription('app', 'presence-p', '1.1');
    await a.adapter.addMember('app', 'presence-p', '1.1', { userId: 'u1', userInfo: null });
    await a.adapter.setCachedEvent('app', 'cache-x', { event: 'e', data: 'd' }, 10);
    const admin = new Cluster([{ host: '127.0.0.1', port: cluster.ports[0] ?? 0 }]);
    onTestFinished(() => {
      admin.disconnect();
    });
    const stateMaster = await cluster.masterPortOf(`{${keyPrefix}}nodes`);
    const stateKeys: string[] = [];
    for (const node of admin.nodes('master')) {
      const keys = await node.keys(`*${keyPrefix}*`);
      if (node.options.port === stateMaster)
        stateKeys.push(...keys.filter((k) => k.startsWith('{')));
      else expect(keys.filter((k) => k.startsWith('{'))).toEqual([]);
    }
    expect(stateKeys.sort()).toEqual(
      [
        'nodes',
        'app:app:conns',
        'app:app:chans',
        'app:app:subs:presence-p',
        'app:app:psock:presence-p',
        'app:app:pref:presence-p',
        'app:app:pinfo:presence-p',
        `node:${a.adapter.nodeId}`,
      ]
        .map((key) => `{${keyPrefix}}${key}`)
        .sort(),
    );
    expect(await admin.get(`${keyPrefix}cache:app:cache-x`)).toBe('{"event":"e","data":"d"}');
    // Messages of 40 channels travel over bus channels served by every master.
    const busMasters = new Set<number>();
    for (let shard = 0; shard < 16; shard++) {
      busMasters.add(await cluster.masterPortOf(`${keyPrefix}bus:{${keyPrefix}${shard}}`));
    }
    expect(busMasters.size).toBe(3);
    for (let i = 0; i < 40; i++)
      a.adapter.publish({ appId: 'app', channel: `c${i}`, frame: `${i}` });
    await b.handlers.until(() => b.handlers.delivered.length === 40, 'every message on b');
    expect(new Set(b.handlers.delivered.map((m) => m.frame)).size).toBe(40);
    // A user termination and the debug console's feed cross nodes too.
    await a.adapter.terminateUser('app', 'u9');
    await b.handlers.until(() => b.handlers.terminated.length === 1, 'termination on b');
    const feed: string[] = [];
    const watcher = new RedisAdapter({ url: cluster.url, keyPrefix, heartbeatIntervalMs: 100 });
    const watcherHandlers = Object.assign(new RecordingHandlers(), {
      debugReceived: (text: string) => feed.push(text),
    });
    await watcher.start(watcherHandlers);
    onTestFinished(() => watcher.close());
    a.adapter.sendDebug('{"kind":"probe"}');
    await eventually(
      async () => feed.length,
      (length) => length === 1,
      'debug feed on another node',
    );
    expect(feed).toEqual(['{"kind":"probe"}']);
  });

  it('keeps the order of one channel from the first publish on, while master connections open', async () => {
    // Commands to a master whose connection is still opening wait for it, in order; they are not
    // retried through another master (which would answer MOVED and reorder them).
    for (let round = 0; round < 8; round++) {
      const keyPrefix = uniquePrefix();
      const a = await startNode({ url: redisCluster().url, keyPrefix });
      const b = await startNode({ url: redisCluster().url, keyPrefix });
      for (let i = 0; i < 20; i++)
        a.adapter.publish({ appId: 'app', channel: 'c', frame: `f${i}` });
      await b.handlers.until(() => b.handlers.delivered.length === 20, 'twenty on b');
      await Promise.all([a.adapter.close(), b.adapter.close()]);
      expect(b.handlers.delivered.map((m) => m.frame)).toEqual(
        Array.from({ length: 20 }, (_, i) => `f${i}`),
      );
    }
  });

  it('a master restart: nodes fall back to their mirrors, resync, and deliver again', async () => {
    const cluster = redisCluster();
    const keyPrefix = uniquePrefix();
    const options = { url: cluster.url, keyPrefix, commandTimeoutMs: 1000 };
    const a = await startNode(options);
    const b = await startNode(options);
    onTestFinished(() => Promise.all([a.adapter.close(), b.adapter.close()]).then(() => {}));
    await a.adapter.addConnection('app', '1.1');
    await a.adapter.addSubscription('app', 'c', '1.1');
    await a.adapter.addMember('app', 'presence-p', '1.1', { userId: 'u1', userInfo: 1 });
    await b.adapter.addSubscription('app', 'c', '2.1');
    await b.adapter.addMember('app', 'presence-p', '2.1', { userId: 'u2', userInfo: 2 });
    const stateMaster = cluster.ports.indexOf(await cluster.masterPortOf(`{${keyPrefix}}nodes`));

    await cluster.stopMaster(stateMaster);
    // The next state call fails over to the mirror: provisional answers, unhealthy.
    expect(await a.adapter.addSubscription('app', 'during', '1.1')).toEqual({
      subscriptionCount: 1,
      transitioned: true,
      provisional: true,
    });
    await a.handlers.until(() => !a.adapter.health().ok, 'a unhealthy');
    expect(a.adapter.canReachCluster()).toBe(false);
    await cluster.startMaster(stateMaster);
    for (const node of [a, b]) {
      await node.handlers.until(() => node.adapter.health().ok, 'healthy again', 15_000);
    }
    // The restarted master came back empty: both nodes wrote their mirrors back.
    await expectMirrorsWrittenBack(b);
    // Every bus shard delivers again, the restarted master's included.
    for (let i = 0; i < 40; i++)
      b.adapter.publish({ appId: 'app', channel: `c${i}`, frame: `${i}` });
    await a.handlers.until(
      () => new Set(a.handlers.delivered.map((m) => m.frame)).size === 40,
      'cross-node delivery on every shard after the restart',
      15_000,
    );
  });

  it('starts without a reachable cluster, serves locally, and closes at once', async () => {
    const adapter = new RedisAdapter({
      url: 'redis+cluster://127.0.0.1:1,127.0.0.1:2',
      keyPrefix: uniquePrefix(),
      commandTimeoutMs: 300,
      heartbeatIntervalMs: 100,
    });
    const handlers = new RecordingHandlers();
    await adapter.start(handlers);
    expect(adapter.health()).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/redis unavailable/),
    });
    expect(await adapter.addSubscription('app', 'c', '1.1')).toEqual({
      subscriptionCount: 1,
      transitioned: true,
      provisional: true,
    });
    adapter.publish({ appId: 'app', channel: 'c', frame: 'local' });
    expect(handlers.delivered.map((m) => m.frame)).toEqual(['local']);
    await adapter.close();
    expect(adapter.health()).toEqual({ ok: false, detail: 'closed' });
  });

  it('takes its seed nodes from a redis+cluster:// URL or a Cluster client, and checks them', async () => {
    const { Cluster } = await import('ioredis');
    const cluster = redisCluster();
    const make = (options: RedisAdapterOptions): Adapter => new RedisAdapter(options);
    expect(() => make({ url: 'redis+cluster://h:1,h:2', keyPrefix: 'a{b}:' })).toThrow(
      /keyPrefix must be non-empty and without \{ or \}/,
    );
    for (const url of ['redis+cluster://:s3cret@h:1,', 'redis+cluster://:s3cret@h:99999']) {
      expect(() => make({ url })).toThrow(AdapterConfigError);
      try {
        make({ url });
      } catch (error) {
        expect(String(error)).not.toContain('s3cret');
      }
    }
    await expectServesThroughAndLeavesOpen(
      new Cluster([{ host: '127.0.0.1', port: cluster.ports[1] ?? 0 }]),
    );
  });
});
