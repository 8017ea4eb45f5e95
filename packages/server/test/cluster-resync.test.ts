/**
 * @module test/cluster-resync
 * Two in-process server nodes on a real redis-server and on a real 3-master Redis Cluster, with raw WebSocket clients and a webhook
 * receiver: joins made on a node while Redis is unreachable reach the other node's clients and the
 * webhook receiver (once) when Redis is back; the presence limit holds across nodes; and
 * `createServer({ redisUrl })` builds its own Redis adapter.
 */
import { waitUntil as eventually, startWebhookEventLog } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RedisAdapter } from '../src/adapters/redis';
import type { ServerOptions } from '../src/index';
import { useRedisTopologies } from './helpers/redis-topologies';
import { APP, connect, dataOf, startServer } from './ws-helpers';

const TOPOLOGIES = useRedisTopologies();

let prefixCounter = 0;

/** A node with a fast-failing Redis adapter (the outage is noticed within a few heartbeats). */
function startNode(redisUrl: string, keyPrefix: string, options: ServerOptions = {}) {
  const adapter = new RedisAdapter({
    url: redisUrl,
    keyPrefix,
    heartbeatIntervalMs: 100,
    commandTimeoutMs: 200,
  });
  return startServer({ adapter, vacateDelayMs: 0, webhookBatchMs: 0, ...options });
}

const channelData = (userId: string) => JSON.stringify({ user_id: userId });

describe.each(TOPOLOGIES)('cluster on $topology', (topology) => {
  const redisUrl = topology.url;
  describe('cluster: joins during a Redis outage', () => {
    it('reach the other node and the webhook receiver once when Redis is back', async () => {
      const hook = await startWebhookEventLog();
      const keyPrefix = `resync-${++prefixCounter}-${process.pid}:`;
      const options: ServerOptions = { webhooks: [{ url: hook.url }] };
      const a = await startNode(redisUrl(), keyPrefix, options);
      const b = await startNode(redisUrl(), keyPrefix, options);
      const alice = await connect(a.wsUrl());
      const carol = await connect(a.wsUrl());
      const bob = await connect(b.wsUrl());
      await alice.join('presence-room', channelData('alice'));
      await bob.join('presence-room', channelData('bob'));
      await alice.event('pusher_internal:member_added', 'presence-room');
      // What bob heard before the outage. (On a cluster the bus and the state are on different
      // masters, so alice's member_added can reach node b after bob's roster already named her:
      // a known duplicate of concurrent joins, not what this test is about.)
      const bobAddedBefore = bob.count('pusher_internal:member_added', 'presence-room');

      // Long enough for carol to join while node a is cut off, even on a loaded machine.
      const pauseEnds = Date.now() + 2500;
      // The next test must not start against a paused Redis, even if this one fails early.
      onTestFinished(() => new Promise((resolve) => setTimeout(resolve, pauseEnds - Date.now())));
      await topology.pauseAll(2500);
      await eventually(() => !a.server.adapter.health().ok, 5000);
      await carol.join('presence-room', channelData('carol'));
      // Node a's own clients hear of carol at once; no webhook while the cluster is unknown.
      const local = await alice.waitFor(
        (f) =>
          f.event === 'pusher_internal:member_added' &&
          f.data === '{"user_id":"carol","user_info":null}',
      );
      expect(dataOf(local)).toEqual({ user_id: 'carol', user_info: null });
      expect(hook.events.filter((e) => e.user_id === 'carol')).toEqual([]);

      // Redis is back: node b's client learns of carol, the receiver gets member_added once.
      const remote = await bob.waitFor(
        (f) =>
          f.event === 'pusher_internal:member_added' &&
          f.channel === 'presence-room' &&
          f.data === '{"user_id":"carol","user_info":null}',
      );
      expect(dataOf(remote)).toEqual({ user_id: 'carol', user_info: null });
      await eventually(() => hook.events.some((e) => e.user_id === 'carol'), 5000);
      await eventually(() => a.server.adapter.health().ok && b.server.adapter.health().ok, 5000);
      await bob.roundTrip();
      expect(hook.events.filter((e) => e.name === 'member_added' && e.user_id === 'carol')).toEqual(
        [{ name: 'member_added', channel: 'presence-room', user_id: 'carol' }],
      );
      // Nobody already known is announced again, and node a's clients heard of carol only once.
      expect(bob.count('pusher_internal:member_added', 'presence-room') - bobAddedBefore).toBe(1);
      await alice.roundTrip();
      expect(alice.count('pusher_internal:member_added', 'presence-room')).toBe(2);
      expect(hook.events.filter((e) => e.name === 'member_added').map((e) => e.user_id)).toEqual([
        'alice',
        'bob',
        'carol',
      ]);
      const members = (await b.server.adapter.members(APP.id, 'presence-room')).map(
        (m) => m.userId,
      );
      expect(members.sort()).toEqual(['alice', 'bob', 'carol']);
    });
  });

  describe('cluster: presence member limit', () => {
    it('holds across nodes for concurrent joins of distinct users', async () => {
      const keyPrefix = `limit-${++prefixCounter}-${process.pid}:`;
      const app = { ...APP, limits: { maxPresenceMembers: 2 } };
      const a = await startNode(redisUrl(), keyPrefix, { apps: [app] });
      const b = await startNode(redisUrl(), keyPrefix, { apps: [app] });
      const clients = await Promise.all([
        connect(a.wsUrl()),
        connect(a.wsUrl()),
        connect(b.wsUrl()),
        connect(b.wsUrl()),
      ]);
      await Promise.all(clients.map((client) => client.socketId()));
      const outcomes = await Promise.all(
        clients.map(async (client, i) => {
          const joined = client.join('presence-full', channelData(`u${i}`));
          const refused = client.event('pusher:subscription_error', 'presence-full');
          return Promise.race([joined.then(() => 'joined'), refused.then(() => 'refused')]);
        }),
      );
      expect(outcomes.filter((o) => o === 'joined')).toHaveLength(2);
      expect(outcomes.filter((o) => o === 'refused')).toHaveLength(2);
      expect(await a.server.adapter.members(APP.id, 'presence-full')).toHaveLength(2);
    });
  });

  describe('createServer({ redisUrl })', () => {
    it('creates and starts its own Redis adapter; two such nodes form a cluster', async () => {
      const a = await startServer({ redisUrl: redisUrl() });
      const b = await startServer({ redisUrl: redisUrl() });
      expect(a.server.adapter).toBeInstanceOf(RedisAdapter);
      expect(a.server.adapter.health()).toEqual({ ok: true });
      const alice = await connect(a.wsUrl());
      const bob = await connect(b.wsUrl());
      await alice.join('presence-url', channelData('alice'));
      await bob.join('presence-url', channelData('bob'));
      const added = await alice.event('pusher_internal:member_added', 'presence-url');
      expect(dataOf(added)).toEqual({ user_id: 'bob', user_info: null });
    });
  });
});
