/**
 * Watchlist events on one node: the exact `pusher_internal:watchlist_events` frames (online when a
 * watched user's first connection signs in, offline when the last one closes, the initial state),
 * Pusher's 100-id limit (4302, the first 100 kept), bad watchlists, the app flag, termination, the
 * internal rosters hidden from the REST API, and real pusher-js `pusher.user.watchlist` listeners.
 */
import { pushwireSdk, waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import { type ChannelState, LocalAdapter } from '../src/index';
import {
  signedIn,
  signedInClient,
  userData,
  watchingClient,
  watchlistFrame,
  watchlistTexts,
} from './watchlist-helpers';
import { APP, connect, startServer } from './ws-helpers';

const WATCHING_APP = { ...APP, watchlistEvents: true };

describe('watchlist events', () => {
  it('sends online when a watched user first signs in anywhere and offline when the last connection closes', async () => {
    const { wsUrl } = await startServer({ apps: [WATCHING_APP] });
    const alice = await signedInClient(wsUrl(), 'alice', ['bob', 'carol']);
    await alice.roundTrip();
    // Nobody watched is online: no initial frame.
    expect(watchlistTexts(alice)).toEqual([]);

    const bob1 = await signedInClient(wsUrl(), 'bob');
    await waitUntil(() => watchlistTexts(alice).length === 1);
    expect(watchlistTexts(alice)).toEqual([watchlistFrame('online', ['bob'])]);
    expect(alice.texts.at(-1)).toBe(
      '{"event":"pusher_internal:watchlist_events","data":"{\\"events\\":[{\\"name\\":\\"online\\",\\"user_ids\\":[\\"bob\\"]}]}"}',
    );

    // A second connection of bob changes nothing; closing one of two changes nothing either.
    const bob2 = await signedInClient(wsUrl(), 'bob');
    bob1.socket.close();
    await bob1.closed;
    // A user who is not watched comes and goes unnoticed.
    const dave = await signedInClient(wsUrl(), 'dave');
    dave.socket.close();
    await dave.closed;
    await alice.roundTrip();
    expect(watchlistTexts(alice)).toEqual([watchlistFrame('online', ['bob'])]);

    bob2.socket.close();
    await waitUntil(() => watchlistTexts(alice).length === 2);
    expect(watchlistTexts(alice)).toEqual([
      watchlistFrame('online', ['bob']),
      watchlistFrame('offline', ['bob']),
    ]);
    // A connection that is not signed in never gets watchlist frames, and the watched user
    // (bob, who watches nobody) got none.
    expect(watchlistTexts(bob2)).toEqual([]);
  });

  it('sends the watched users online at sign-in in one online event, in watchlist order, duplicates once', async () => {
    const { wsUrl } = await startServer({ apps: [WATCHING_APP] });
    await signedInClient(wsUrl(), 'bob');
    await signedInClient(wsUrl(), '7');
    const erin = await signedInClient(wsUrl(), 'erin', [7, 'carol', 'bob', 'bob', '7']);
    await waitUntil(() => watchlistTexts(erin).length === 1);
    await erin.roundTrip();
    expect(watchlistTexts(erin)).toEqual([watchlistFrame('online', ['7', 'bob'])]);
    // signin_success comes first.
    const events = erin.frames.map((frame) => frame.event);
    expect(events.indexOf('pusher:signin_success')).toBeLessThan(
      events.indexOf('pusher_internal:watchlist_events'),
    );
  });

  it('answers a repeated sign-in without re-reading an unchanged watchlist, and re-reads a new one', async () => {
    const { wsUrl } = await startServer({ apps: [WATCHING_APP] });
    await signedInClient(wsUrl(), 'bob');
    await signedInClient(wsUrl(), 'carol');
    const alice = await signedInClient(wsUrl(), 'alice', ['bob']);
    await waitUntil(() => watchlistTexts(alice).length === 1);
    await alice.signin(userData('alice', ['bob']));
    await waitUntil(() => alice.count('pusher:signin_success') === 2);
    await alice.roundTrip();
    expect(watchlistTexts(alice)).toEqual([watchlistFrame('online', ['bob'])]);

    await alice.signin(userData('alice', ['carol']));
    await waitUntil(() => watchlistTexts(alice).length === 2);
    expect(watchlistTexts(alice)[1]).toBe(watchlistFrame('online', ['carol']));
  });

  it('lets a change that arrives while the initial state is read win over the read', async () => {
    // The real in-process adapter, with the answers of state reads held back until released: the
    // read sees bob online, bob leaves before the answer arrives.
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reads = 0;
    class SlowReads extends LocalAdapter {
      override async channel(appId: string, channel: string): Promise<ChannelState | undefined> {
        const state = await super.channel(appId, channel);
        reads += 1;
        await held;
        return state;
      }
    }
    const { wsUrl } = await startServer({ apps: [WATCHING_APP], adapter: new SlowReads() });
    const bob = await signedInClient(wsUrl(), 'bob');
    const alice = await signedInClient(wsUrl(), 'alice', ['bob']);
    await waitUntil(() => reads === 1);
    bob.socket.close();
    await bob.closed;
    await alice.roundTrip();
    release();
    // A subscribe is handled after the sign-in finished (one task chain per connection).
    await alice.join('after-signin');
    // bob's offline was held back and won: alice never saw bob online, nor anything else.
    expect(watchlistTexts(alice)).toEqual([]);
  });

  it('watches the first 100 ids of a longer watchlist and says so with a non-fatal 4302', async () => {
    const { wsUrl } = await startServer({ apps: [WATCHING_APP] });
    const ids = Array.from({ length: 101 }, (_, i) => `u${i}`);
    const watcher = await signedInClient(wsUrl(), 'w', ids);
    expect(await watcher.event('pusher:error')).toEqual({
      event: 'pusher:error',
      data: {
        code: 4302,
        message: 'The watchlist names more than 100 user ids; only the first 100 are watched',
      },
    });
    await signedInClient(wsUrl(), 'u100');
    await signedInClient(wsUrl(), 'u99');
    await waitUntil(() => watchlistTexts(watcher).length === 1);
    await watcher.roundTrip();
    expect(watchlistTexts(watcher)).toEqual([watchlistFrame('online', ['u99'])]);
    expect(watcher.socket.readyState).toBe(watcher.socket.OPEN);
  });

  it('counts 100 distinct ids: repeats do not reach the limit', async () => {
    const { wsUrl } = await startServer({ apps: [WATCHING_APP] });
    const ids = Array.from({ length: 100 }, (_, i) => `u${i}`);
    const watcher = await signedInClient(wsUrl(), 'w', [...ids, ...ids]);
    await watcher.roundTrip();
    expect(watcher.count('pusher:error')).toBe(0);
  });

  it('fails the sign-in (4009) on a watchlist that is not an array of ids', async () => {
    const { wsUrl } = await startServer({ apps: [WATCHING_APP] });
    for (const watchlist of ['bob', { bob: true }, ['bob', ''], ['bob', null], [['bob']]]) {
      const client = await connect(wsUrl());
      await client.signin(userData('x', watchlist));
      expect((await client.closed).code).toBe(4009);
      expect(client.frames.at(-1)?.event).toBe('pusher:error');
      expect(client.count('pusher:signin_success')).toBe(0);
    }
    const tooLong = await connect(wsUrl());
    await tooLong.signin(userData('x', ['a'.repeat(129)]));
    expect((await tooLong.closed).code).toBe(4009);
  });

  it('does nothing (and reads no watchlist) when the app does not enable watchlistEvents', async () => {
    const { wsUrl } = await startServer();
    const ids = Array.from({ length: 150 }, (_, i) => `u${i}`);
    const watcher = await signedInClient(wsUrl(), 'w', ids);
    const odd = await signedInClient(wsUrl(), 'odd', 'not-an-array');
    await signedInClient(wsUrl(), 'u1');
    await watcher.roundTrip();
    await odd.roundTrip();
    expect(watcher.count('pusher:error')).toBe(0);
    expect(watchlistTexts(watcher)).toEqual([]);
  });

  it('sends offline when the watched user is terminated through the REST API', async () => {
    const { wsUrl, address } = await startServer({ apps: [WATCHING_APP] });
    const alice = await signedInClient(wsUrl(), 'alice', ['bob']);
    const bob = await signedInClient(wsUrl(), 'bob');
    await waitUntil(() => watchlistTexts(alice).length === 1);
    const sdk = pushwireSdk(address.port, APP);
    await sdk.terminateUserConnections('bob');
    expect((await bob.closed).code).toBe(4009);
    await waitUntil(() => watchlistTexts(alice).length === 2);
    expect(watchlistTexts(alice)[1]).toBe(watchlistFrame('offline', ['bob']));
  });

  it('keeps the online rosters out of the REST API and subscriptions, and frees them on close', async () => {
    const { server, wsUrl, address } = await startServer({ apps: [WATCHING_APP] });
    const alice = await signedInClient(wsUrl(), 'alice', ['bob']);
    const bob = await signedInClient(wsUrl(), 'bob');
    await bob.join('lobby');
    await waitUntil(() => watchlistTexts(alice).length === 1);
    const sdk = pushwireSdk(address.port, APP);
    expect(await sdk.channels()).toEqual({ channels: { lobby: {} } });
    expect(await server.adapter.channel(APP.id, '#online-bob')).toEqual({ subscriptionCount: 0 });
    // Nobody can read, publish to or subscribe to a roster.
    await expect(sdk.channelInfo('#online-bob')).rejects.toThrow();
    await expect(
      sdk.trigger('#online-bob', 'pusher_internal:watchlist_events', {}),
    ).rejects.toThrow();
    bob.subscribe('#online-alice');
    const refused = await bob.event('pusher:subscription_error', '#online-alice');
    expect((refused.data as { type: string }).type).toBe('InvalidChannel');
    alice.socket.close();
    bob.socket.close();
    await Promise.all([alice.closed, bob.closed]);
    await waitUntil(async () => (await server.adapter.channels(APP.id)).size === 0);
  });

  it('delivers to pusher.user.watchlist listeners of real pusher-js clients', async () => {
    const { address } = await startServer({ apps: [WATCHING_APP] });
    const carol = watchingClient(address.port, 'carol');
    await signedIn(carol);
    const alice = watchingClient(address.port, 'alice', ['bob', 'carol']);
    await signedIn(alice);
    await waitUntil(() => alice.seen.length === 1);
    expect(alice.seen).toEqual([
      { bound: 'online', event: { name: 'online', user_ids: ['carol'] } },
    ]);

    const bob = watchingClient(address.port, 'bob', ['alice']);
    await signedIn(bob);
    await waitUntil(() => alice.seen.length === 2 && bob.seen.length === 1);
    expect(alice.seen[1]).toEqual({
      bound: 'online',
      event: { name: 'online', user_ids: ['bob'] },
    });
    expect(bob.ids('online')).toEqual(['alice']);

    carol.client.disconnect();
    await waitUntil(() => alice.seen.length === 3);
    expect(alice.seen[2]).toEqual({
      bound: 'offline',
      event: { name: 'offline', user_ids: ['carol'] },
    });
    alice.client.disconnect();
    await waitUntil(() => bob.seen.length === 2);
    expect(bob.ids('offline')).toEqual(['alice']);
  });
});
