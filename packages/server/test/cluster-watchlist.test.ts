/**
 * @module test/cluster-watchlist
 * Watchlist events across server processes on one real Redis, with real pusher-js clients: a
 * watched user's first connection on any node is announced `online` to watchers on every node, the
 * initial state read at sign-in is cluster-wide, a user still connected elsewhere stays online, and
 * the users of a SIGKILLed node go `offline` (once) when a survivor reaps it; and a user who
 * signed in on a node cut off from Redis is announced to the other node's watchers (once) when
 * Redis is back.
 */

import { useRedisServer, waitUntil, within } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RedisAdapter } from '../src/adapters/redis';
import { startClusterNode, uniqueKeyPrefix } from './cluster-helpers';
import {
  signedIn,
  signedInClient,
  type WatchingClient,
  watchingClient,
  watchlistFrame,
  watchlistTexts,
} from './watchlist-helpers';
import { APP, startServer } from './ws-helpers';

const CLUSTER_TEST_TIMEOUT_MS = 45_000;

const redisUrl = useRedisServer();

function sortedIds(watching: WatchingClient, bound: 'online' | 'offline'): string[] {
  return watching.ids(bound).sort();
}

describe('watchlist events on a cluster', () => {
  it(
    'announces online and offline to watchers on every node, including a SIGKILLed node’s users',
    async () => {
      const options = {
        redisUrl: redisUrl(),
        keyPrefix: uniqueKeyPrefix(),
        appFlags: { watchlistEvents: true },
        heartbeatMs: 300,
        nodeTimeoutMs: 1500,
      };
      const a = await startClusterNode(options);
      const b = await startClusterNode(options);
      const doomed = await startClusterNode(options);
      const watchlist = ['bob', 'carol', 'dave'];

      const alice = watchingClient(a.port, 'alice', watchlist);
      await within(signedIn(alice), 'alice signed in on a');
      const bob = watchingClient(b.port, 'bob');
      await within(signedIn(bob), 'bob signed in on b');
      await waitUntil(() => alice.seen.length === 1, 'bob online at alice');
      expect(alice.seen).toEqual([
        { bound: 'online', event: { name: 'online', user_ids: ['bob'] } },
      ]);
      const carol = watchingClient(doomed.port, 'carol');
      await within(signedIn(carol), 'carol signed in on the doomed node');
      await waitUntil(() => alice.seen.length === 2, 'carol online at alice');
      expect(alice.ids('online')).toEqual(['bob', 'carol']);

      // The initial state at sign-in is read cluster-wide: one online event, watchlist order.
      const erin = watchingClient(b.port, 'erin', watchlist);
      await within(signedIn(erin), 'erin signed in on b');
      await waitUntil(() => erin.seen.length === 1, 'initial state at erin');
      expect(erin.seen).toEqual([
        { bound: 'online', event: { name: 'online', user_ids: ['bob', 'carol'] } },
      ]);

      // Bob opens a second connection on the doomed node and closes the one on b: still online.
      const bobAgain = watchingClient(doomed.port, 'bob');
      await within(signedIn(bobAgain), 'bob signed in on the doomed node');
      bob.client.disconnect();

      // The doomed node dies without cleanup; a survivor reaps it: carol and bob go offline.
      await doomed.kill();
      await waitUntil(
        () => sortedIds(alice, 'offline').length === 2 && sortedIds(erin, 'offline').length === 2,
        'offline after the doomed node was reaped',
      );
      expect(sortedIds(alice, 'offline')).toEqual(['bob', 'carol']);
      expect(sortedIds(erin, 'offline')).toEqual(['bob', 'carol']);

      // Later changes still flow, and nothing was announced twice meanwhile.
      const dave = watchingClient(a.port, 'dave');
      await within(signedIn(dave), 'dave signed in on a');
      await waitUntil(
        () => alice.ids('online').includes('dave') && erin.ids('online').includes('dave'),
        'dave online at alice and erin',
      );
      expect(alice.ids('online')).toEqual(['bob', 'carol', 'dave']);
      expect(erin.ids('online')).toEqual(['bob', 'carol', 'dave']);
      expect(sortedIds(alice, 'offline')).toEqual(['bob', 'carol']);
      dave.client.disconnect();
      await waitUntil(() => erin.ids('offline').includes('dave'), 'dave offline at erin');
      await waitUntil(() => alice.ids('offline').includes('dave'), 'dave offline at alice');
      expect(sortedIds(alice, 'offline')).toEqual(['bob', 'carol', 'dave']);
      // A node's own watchers never see a user who watches nobody: bob got nothing.
      expect(bob.seen).toEqual([]);
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );
});

/** An in-process node with a fast-failing Redis adapter (an outage is noticed within a few heartbeats). */
function startInProcessNode(keyPrefix: string) {
  const adapter = new RedisAdapter({
    url: redisUrl(),
    keyPrefix,
    heartbeatIntervalMs: 100,
    commandTimeoutMs: 200,
  });
  return startServer({ adapter, apps: [{ ...APP, watchlistEvents: true }] });
}

describe('watchlist events during a Redis outage', () => {
  it('announce a sign-in made on a cut-off node to the other node once Redis is back', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const a = await startInProcessNode(keyPrefix);
    const b = await startInProcessNode(keyPrefix);
    const alice = await signedInClient(a.wsUrl(), 'alice', ['carol']);
    const bob = await signedInClient(b.wsUrl(), 'bob', ['carol']);

    const { Redis } = await import('ioredis');
    const admin = new Redis(redisUrl());
    onTestFinished(() => {
      admin.disconnect();
    });
    // Long enough for carol to sign in while node a is cut off, even on a loaded machine.
    await admin.call('CLIENT', 'PAUSE', '2500', 'ALL');
    await waitUntil(() => !a.server.adapter.health().ok, 5000);
    await signedInClient(a.wsUrl(), 'carol');
    // Node a's own watcher hears of carol at once.
    await waitUntil(() => watchlistTexts(alice).length === 1);
    // Node b's hears of her once node a resynchronized.
    await waitUntil(() => watchlistTexts(bob).length === 1, 8000);
    await waitUntil(() => a.server.adapter.health().ok && b.server.adapter.health().ok, 5000);
    await alice.roundTrip();
    await bob.roundTrip();
    expect(watchlistTexts(alice)).toEqual([watchlistFrame('online', ['carol'])]);
    expect(watchlistTexts(bob)).toEqual([watchlistFrame('online', ['carol'])]);
  });
});
