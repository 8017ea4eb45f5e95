/**
 * @module test/cluster-scaling
 * Several server processes on one real Redis and on a real 3-master Redis Cluster (every test runs
 * on both): pusher-js clients on different nodes, triggers
 * through each node with the SDK, presence across nodes (exact members and counts, a user on two
 * nodes counted once), socket_id exclusion, client events, server-to-user and terminate across
 * nodes, a node killed with SIGKILL (members removed, webhooks once), Redis (on the cluster: the
 * master serving the state slot) restarted mid-test (REST publishes refused with 503 meanwhile, an
 * SDK retry delivers after it), and
 * a member who joined a node while Redis stalled announced to the cluster (and webhooked once).
 */
import { Pusher as PushwireSdk } from '@pushwire/sdk';
import {
  connected,
  nextEvent,
  startWebhookReceiver,
  subscribed,
  waitUntil,
  within,
} from '@pushwire/test-support';
import type Pusher from 'pusher-js';
import type { PresenceChannel } from 'pusher-js';
import { describe, expect, it } from 'vitest';
import {
  type ClusterNode,
  startClusterNode,
  uniqueKeyPrefix,
  webhookEvents,
} from './cluster-helpers';
import { pusherClient } from './conformance-helpers';
import { useRedisTopologies } from './helpers/redis-topologies';
import { APP } from './ws-helpers';

const CLUSTER_TEST_TIMEOUT_MS = 45_000;

const TOPOLOGIES = useRedisTopologies();

/** Records every event a pusher-js channel receives, in order. */
function recordEvents(client: Pusher, channelName: string): { event: string; data: unknown }[] {
  const seen: { event: string; data: unknown }[] = [];
  const channel = client.channel(channelName) ?? client.subscribe(channelName);
  channel.bind_global((event: string, data: unknown) => {
    seen.push({ event, data });
  });
  return seen;
}

function memberIds(client: Pusher, channelName: string): string[] {
  const channel = client.channel(channelName) as PresenceChannel;
  const ids: string[] = [];
  channel.members.each((member: { id: string }) => {
    ids.push(member.id);
  });
  return ids.sort();
}

async function startNodes(
  redisUrl: string,
  count: number,
  options: { webhookUrl?: string; vacateDelayMs?: number } = {},
) {
  const keyPrefix = uniqueKeyPrefix();
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < count; i++) {
    nodes.push(await startClusterNode({ redisUrl, keyPrefix, ...options }));
  }
  return nodes;
}

describe.each(TOPOLOGIES)('cluster of server processes on $topology', (topology) => {
  const redisUrl = topology.url;

  it(
    'fans out, excludes socket_id, relays client events and keeps presence exact across nodes',
    async () => {
      const receiver = await startWebhookReceiver();
      const [a, b] = (await startNodes(redisUrl(), 2, {
        webhookUrl: receiver.url,
        vacateDelayMs: 100,
      })) as [ClusterNode, ClusterNode];
      const room = 'presence-room';
      const aliceOnA = pusherClient(a.port, { userId: 'alice', userInfo: { node: 'a' } });
      const bobOnB = pusherClient(b.port, { userId: 'bob', userInfo: { node: 'b' } });
      const aliceOnB = pusherClient(b.port, { userId: 'alice', userInfo: { node: 'b' } });
      await within(
        Promise.all([connected(aliceOnA), connected(bobOnB), connected(aliceOnB)]),
        'clients connected',
      );
      await within(
        Promise.all([aliceOnA, bobOnB, aliceOnB].map((c) => subscribed(c, 'lobby'))),
        'lobby subscriptions',
      );
      for (const node of [a, b]) {
        expect(await node.sdk.channelInfo('lobby', { info: ['subscription_count'] })).toEqual({
          occupied: true,
          subscription_count: 3,
        });
      }

      await within(subscribed(aliceOnA, room), `subscribe ${room}`);
      const seenOnA = recordEvents(aliceOnA, room);
      await within(subscribed(bobOnB, room), `subscribe ${room}`);
      const seenByBob = recordEvents(bobOnB, room);
      await waitUntil(
        () => seenOnA.some((e) => e.event === 'pusher:member_added'),
        'member_added bob on node a',
      );
      expect(memberIds(bobOnB, room)).toEqual(['alice', 'bob']);

      // The same user on a second node: one member, no member_added anywhere.
      await within(subscribed(aliceOnB, room), `subscribe ${room}`);
      const seenByAliceOnB = recordEvents(aliceOnB, room);
      expect(memberIds(aliceOnB, room)).toEqual(['alice', 'bob']);
      for (const node of [a, b]) {
        expect(await node.sdk.channelUsers(room)).toEqual({
          users: [{ id: 'alice' }, { id: 'bob' }],
        });
        expect(await node.sdk.channelInfo(room, { info: ['user_count'] })).toEqual({
          occupied: true,
          user_count: 2,
        });
      }

      // A trigger through each node reaches every subscriber on both nodes.
      await a.sdk.trigger(room, 'from-a', { n: 1 });
      await b.sdk.trigger(room, 'from-b', { n: 2 });
      for (const seen of [seenOnA, seenByBob, seenByAliceOnB]) {
        await waitUntil(
          () => seen.filter((e) => e.event.startsWith('from-')).length === 2,
          'both triggers everywhere',
        );
        // Order is kept per publishing node, not across nodes.
        expect(
          seen
            .filter((e) => e.event.startsWith('from-'))
            .map((e) => e.event)
            .sort(),
        ).toEqual(['from-a', 'from-b']);
      }
      expect(seenOnA.filter((e) => e.event === 'pusher:member_added')).toHaveLength(1);

      // socket_id exclusion across nodes: excluded on A while triggering through B.
      await b.sdk.trigger(room, 'excluded', {}, { socketId: aliceOnA.connection.socket_id });
      await b.sdk.trigger(room, 'marker', {});
      await waitUntil(() => seenOnA.some((e) => e.event === 'marker'), 'marker on a');
      await waitUntil(() => seenByBob.some((e) => e.event === 'marker'), 'marker on b');
      expect(seenOnA.some((e) => e.event === 'excluded')).toBe(false);
      expect(seenByBob.some((e) => e.event === 'excluded')).toBe(true);

      // Client events cross nodes and never echo to the sender.
      aliceOnA.channel(room).trigger('client-hello', { from: 'a' });
      await waitUntil(() => seenByBob.some((e) => e.event === 'client-hello'), 'client event');
      await waitUntil(
        () => seenByAliceOnB.some((e) => e.event === 'client-hello'),
        'client event to the same user on the other node',
      );
      await a.sdk.trigger(room, 'marker-2', {});
      await waitUntil(() => seenOnA.some((e) => e.event === 'marker-2'), 'marker-2 on a');
      expect(seenOnA.some((e) => e.event === 'client-hello')).toBe(false);

      // Alice leaves on node A: still a member through node B, so no member_removed. The core
      // serializes a connection's work, so once her next subscription succeeded the leave is done.
      aliceOnA.unsubscribe(room);
      await within(subscribed(aliceOnA, 'after-leave'), 'subscribe after-leave');
      expect(await a.sdk.channelUsers(room)).toEqual({ users: [{ id: 'alice' }, { id: 'bob' }] });
      // Her last connection leaves: member_removed, once.
      const removed = nextEvent<{ id: string }>(bobOnB, room, 'pusher:member_removed');
      aliceOnB.unsubscribe(room);
      expect((await within(removed, 'member_removed alice')).id).toBe('alice');
      expect(await a.sdk.channelUsers(room)).toEqual({ users: [{ id: 'bob' }] });
      expect(seenByBob.filter((e) => e.event === 'pusher:member_removed')).toHaveLength(1);

      // Webhooks: once per cluster event, whichever node saw it.
      const count = (name: string, channel: string, userId?: string) =>
        webhookEvents(receiver.received).filter(
          (e) => e.name === name && e.channel === channel && e.user_id === userId,
        ).length;
      await waitUntil(() => count('member_removed', room, 'alice') > 0, 'member_removed webhook');
      expect(count('channel_occupied', 'lobby')).toBe(1);
      expect(count('channel_occupied', room)).toBe(1);
      expect(count('member_added', room, 'alice')).toBe(1);
      expect(count('member_added', room, 'bob')).toBe(1);
      expect(count('member_removed', room, 'alice')).toBe(1);
      expect(count('channel_vacated', room)).toBe(0);
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );

  it(
    'delivers server-to-user messages and terminates connections across nodes',
    async () => {
      const [a, b] = (await startNodes(redisUrl(), 2)) as [ClusterNode, ClusterNode];
      const carol = pusherClient(a.port, { userId: 'carol' });
      await within(connected(carol), 'carol connected');
      const signedIn = new Promise<void>((resolve) =>
        carol.bind('pusher:signin_success', () => resolve()),
      );
      carol.signin();
      await within(signedIn, 'signin');
      const hello = new Promise<unknown>((resolve) => carol.user.bind('hello', resolve));
      await b.sdk.sendToUser('carol', 'hello', { via: 'b' });
      expect(await within(hello, 'server-to-user message')).toEqual({ via: 'b' });
      const closed = new Promise<void>((resolve) =>
        carol.connection.bind('state_change', (states: { current: string }) => {
          if (states.current !== 'connected') resolve();
        }),
      );
      await b.sdk.terminateUserConnections('carol');
      await within(closed, 'terminated connection');
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );

  it(
    'removes the members of a SIGKILLed node and sends each webhook once',
    async () => {
      const receiver = await startWebhookReceiver();
      const nodeTimeoutMs = 1500;
      const heartbeatMs = 300;
      const keyPrefix = uniqueKeyPrefix();
      const options = {
        redisUrl: redisUrl(),
        keyPrefix,
        webhookUrl: receiver.url,
        nodeTimeoutMs,
        heartbeatMs,
        vacateDelayMs: 200,
      };
      const a = await startClusterNode(options);
      await startClusterNode(options);
      const doomed = await startClusterNode(options);
      const room = 'presence-doom';
      const erin = pusherClient(a.port, { userId: 'erin' });
      const dave = pusherClient(doomed.port, { userId: 'dave' });
      await within(Promise.all([connected(erin), connected(dave)]), 'clients connected');
      await within(subscribed(erin, room), `subscribe ${room}`);
      await within(subscribed(dave, room), `subscribe ${room}`);
      await within(subscribed(dave, 'only-doomed'), 'subscribe only-doomed');
      await waitUntil(() => memberIds(erin, room).length === 2, 'dave visible on node a');
      await waitUntil(
        () =>
          webhookEvents(receiver.received).some(
            (e) => e.name === 'channel_occupied' && e.channel === 'only-doomed',
          ),
        'channel_occupied webhook',
      );

      const removed = nextEvent<{ id: string }>(erin, room, 'pusher:member_removed');
      await doomed.kill();
      const killedAt = Date.now();
      expect(
        (await within(removed, 'member_removed dave', nodeTimeoutMs + heartbeatMs + 5000)).id,
      ).toBe('dave');
      const detectionMs = Date.now() - killedAt;
      // Bounded: the node timeout plus one heartbeat of the survivors, with slack for a busy CI box.
      expect(detectionMs).toBeLessThan(nodeTimeoutMs + heartbeatMs + 5000);
      expect(await a.sdk.channelUsers(room)).toEqual({ users: [{ id: 'erin' }] });
      expect(await a.sdk.channelInfo('only-doomed')).toEqual({ occupied: false });

      const isDaveRemoved = (e: { name: string; channel?: string; user_id?: string }) =>
        e.name === 'member_removed' && e.channel === room && e.user_id === 'dave';
      const isVacated = (e: { name: string; channel?: string }) =>
        e.name === 'channel_vacated' && e.channel === 'only-doomed';
      await waitUntil(
        () =>
          webhookEvents(receiver.received).some(isDaveRemoved) &&
          webhookEvents(receiver.received).some(isVacated),
        'member_removed and channel_vacated webhooks',
      );
      // Give the other survivor several heartbeats to (wrongly) send them again.
      await new Promise((resolve) => setTimeout(resolve, nodeTimeoutMs));
      expect(webhookEvents(receiver.received).filter(isDaveRemoved)).toHaveLength(1);
      expect(webhookEvents(receiver.received).filter(isVacated)).toHaveLength(1);
      expect(
        webhookEvents(receiver.received).filter(
          (e) => e.name === 'channel_vacated' && e.channel === room,
        ),
      ).toHaveLength(0);
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );

  it(
    'keeps serving local clients while Redis restarts, then scales out again',
    async () => {
      const keyPrefix = uniqueKeyPrefix();
      const ownRedis = await topology.outage(keyPrefix);
      try {
        const options = { redisUrl: ownRedis.url, keyPrefix, heartbeatMs: 200 };
        const a = await startClusterNode(options);
        const b = await startClusterNode(options);
        const onA = pusherClient(a.port);
        const onB = pusherClient(b.port);
        await within(Promise.all([connected(onA), connected(onB)]), 'clients connected');
        await within(subscribed(onA, 'news'), 'subscribe news');
        await within(subscribed(onB, 'news'), 'subscribe news');
        const seenOnA = recordEvents(onA, 'news');
        const seenOnB = recordEvents(onB, 'news');

        await ownRedis.stop();
        await waitUntil(
          async () => (await fetch(`http://127.0.0.1:${a.port}/health`)).status === 503,
          'node a reports the fault on /health',
        );
        // No 2xx for an event that would stay on this node: 503 + Retry-After, nothing delivered.
        const noRetry = new PushwireSdk({
          appId: APP.id,
          key: APP.key,
          secret: APP.secret,
          host: '127.0.0.1',
          port: a.port,
          useTLS: false,
          retry: false,
        });
        await expect(noRetry.trigger('news', 'during-outage', {})).rejects.toMatchObject({
          status: 503,
          headers: expect.objectContaining({ 'retry-after': '2' }),
        });
        noRetry.close();
        // With retries (the SDK's default) the same trigger succeeds once Redis is back.
        const retried = a.sdk.trigger('news', 'retried', {});

        await ownRedis.restart();
        await retried;
        await waitUntil(() => seenOnB.some((e) => e.event === 'retried'), 'retried cross-node');
        expect(seenOnA.some((e) => e.event === 'during-outage')).toBe(false);
        for (const node of [a, b]) {
          await waitUntil(
            async () => (await fetch(`http://127.0.0.1:${node.port}/health`)).status === 200,
            'healthy again',
          );
        }
        expect(await b.sdk.channelInfo('news', { info: ['subscription_count'] })).toEqual({
          occupied: true,
          subscription_count: 2,
        });
        await a.sdk.trigger('news', 'after-restart', {});
        await waitUntil(() => seenOnB.some((e) => e.event === 'after-restart'), 'cross-node');
        expect(onA.connection.state).toBe('connected');
      } finally {
        await ownRedis.close();
      }
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );
  it(
    'announces a member who joined while Redis stalled to the other node, webhook once',
    async () => {
      const receiver = await startWebhookReceiver();
      const [a, b] = (await startNodes(redisUrl(), 2, {
        webhookUrl: receiver.url,
        vacateDelayMs: 100,
      })) as [ClusterNode, ClusterNode];
      const room = 'presence-stall';
      const aliceOnA = pusherClient(a.port, { userId: 'alice' });
      const bobOnB = pusherClient(b.port, { userId: 'bob' });
      await within(Promise.all([connected(aliceOnA), connected(bobOnB)]), 'clients connected');
      const seenByBob = recordEvents(bobOnB, room);
      await within(subscribed(bobOnB, room), `bob joins ${room}`);
      await within(subscribed(aliceOnA, room), `alice joins ${room}`);
      await waitUntil(
        () => seenByBob.some((e) => e.event === 'pusher:member_added'),
        'bob hears that alice joined',
      );

      {
        // Every Redis client stalls long enough for node a to notice (1 s command timeout) and for
        // carol to join it meanwhile.
        const seenBeforeStall = seenByBob.length;
        await topology.pauseAll(4000);
        await waitUntil(
          async () => (await fetch(`http://127.0.0.1:${a.port}/health`)).status === 503,
          'node a reports the stall on /health',
        );
        const carolOnA = pusherClient(a.port, { userId: 'carol' });
        await within(connected(carolOnA), 'carol connected');
        await within(subscribed(carolOnA, room), `carol joins ${room} during the stall`);
        expect(memberIds(carolOnA, room)).toEqual(['alice', 'carol']);

        await waitUntil(
          () =>
            seenByBob.some(
              (e) =>
                e.event === 'pusher:member_added' && (e.data as { id?: string }).id === 'carol',
            ),
          'bob (node b) hears that carol joined',
        );
        expect(memberIds(bobOnB, room)).toEqual(['alice', 'bob', 'carol']);
        await waitUntil(
          () => webhookEvents(receiver.received).some((e) => e.user_id === 'carol'),
          'member_added webhook for carol',
        );
        for (const node of [a, b]) {
          await waitUntil(
            async () => (await fetch(`http://127.0.0.1:${node.port}/health`)).status === 200,
            'healthy again',
          );
        }
        const { users } = (await b.sdk.channelUsers(room)) as { users: { id: string }[] };
        expect(users.map((user) => user.id).sort()).toEqual(['alice', 'bob', 'carol']);
        const added = webhookEvents(receiver.received).filter((e) => e.name === 'member_added');
        expect(added.map((e) => e.user_id).sort()).toEqual(['alice', 'bob', 'carol']);
        // Only carol is announced: nobody known before the stall is announced again.
        expect(
          seenByBob.slice(seenBeforeStall).filter((e) => e.event === 'pusher:member_added'),
        ).toEqual([{ event: 'pusher:member_added', data: { id: 'carol', info: {} } }]);
      }
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );
});
