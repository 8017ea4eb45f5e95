/**
 * Subscriptions over a raw `ws` client: every channel kind, auth failures, presence semantics,
 * cache channels, subscription_count, serialization of subscribe/unsubscribe, cleanup on close.
 */
import { channelAuthSignature } from '@pushwire/sdk';
import { waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import type { AdapterHandlers } from '../src/index';
import { LocalAdapter } from '../src/index';
import { APP, connect, dataOf, startServer } from './ws-helpers';

const NO_COUNTS = { apps: [{ ...APP, subscriptionCountEvents: false }] };

describe('public, private and encrypted channels', () => {
  it('confirms a public subscription with data "{}"', async () => {
    const { wsUrl } = await startServer(NO_COUNTS);
    const client = await connect(wsUrl());
    client.subscribe('news', '');
    const frame = await client.event('pusher_internal:subscription_succeeded');
    expect(frame).toEqual({
      event: 'pusher_internal:subscription_succeeded',
      channel: 'news',
      data: '{}',
    });
    expect(client.texts.at(-1)).toBe(
      '{"event":"pusher_internal:subscription_succeeded","channel":"news","data":"{}"}',
    );
  });

  it('accepts private and private-encrypted channels with a valid signature', async () => {
    const { wsUrl } = await startServer(NO_COUNTS);
    const client = await connect(wsUrl());
    for (const channel of ['private-a', 'private-encrypted-b', 'private-cache-c']) {
      const frame = await client.join(channel);
      expect(frame.data).toBe('{}');
    }
  });

  it('refuses a bad signature with subscription_error and pusher:error, and keeps the socket', async () => {
    const { wsUrl } = await startServer(NO_COUNTS);
    const client = await connect(wsUrl());
    client.subscribe('private-a', `${APP.key}:${'0'.repeat(64)}`);
    const error = await client.event('pusher:subscription_error', 'private-a');
    expect(error).toEqual({
      event: 'pusher:subscription_error',
      channel: 'private-a',
      data: { type: 'AuthError', error: 'Invalid signature for channel private-a', status: 401 },
    });
    const official = await client.event('pusher:error');
    expect(official).toEqual({
      event: 'pusher:error',
      data: { code: null, message: 'Invalid signature for channel private-a' },
    });
    await client.roundTrip();
    expect(client.count('pusher_internal:subscription_succeeded')).toBe(0);
  });

  it('refuses a valid signature made with another key, a missing auth, and a foreign socket id', async () => {
    const { wsUrl } = await startServer(NO_COUNTS);
    const client = await connect(wsUrl());
    const socketId = await client.socketId();
    const signature = channelAuthSignature({ ...APP, socketId, channel: 'private-a' }).split(
      ':',
    )[1];
    client.subscribe('private-a', `other-key:${signature}`);
    client.subscribe('private-b');
    client.subscribe(
      'private-c',
      channelAuthSignature({ ...APP, socketId: '1.1', channel: 'private-c' }),
    );
    await client.roundTrip();
    expect(client.count('pusher:subscription_error')).toBe(3);
    expect(client.count('pusher_internal:subscription_succeeded')).toBe(0);
  });

  it('refuses invalid channel names with an InvalidChannel subscription_error', async () => {
    const { wsUrl } = await startServer(NO_COUNTS);
    const client = await connect(wsUrl());
    client.subscribe('bad name!', '');
    client.subscribe('x'.repeat(165), '');
    client.subscribe('#other-reserved', '');
    await client.roundTrip();
    const errors = client.frames.filter((f) => f.event === 'pusher:subscription_error');
    expect(errors.map((f) => (f.data as { type: string }).type)).toEqual([
      'InvalidChannel',
      'InvalidChannel',
      'InvalidChannel',
    ]);
  });

  it('answers a duplicate subscribe as Pusher does, changing nothing', async () => {
    const { server, wsUrl } = await startServer(NO_COUNTS);
    const client = await connect(wsUrl());
    await client.join('news');
    client.subscribe('news', '');
    await client.roundTrip();
    expect(client.count('pusher_internal:subscription_succeeded', 'news')).toBe(1);
    expect(client.count('pusher:subscription_error')).toBe(0);
    expect(client.frames.filter((f) => f.event === 'pusher:error')).toEqual([
      {
        event: 'pusher:error',
        data: { code: null, message: 'Existing subscription to channel news' },
      },
    ]);
    expect(await server.adapter.channel(APP.id, 'news')).toEqual({ subscriptionCount: 1 });
  });

  it('ends unsubscribed after subscribe and unsubscribe in quick succession', async () => {
    const { server, wsUrl } = await startServer(NO_COUNTS);
    const client = await connect(wsUrl());
    for (let i = 0; i < 5; i += 1) {
      client.subscribe('news', '');
      client.send({ event: 'pusher:unsubscribe', data: { channel: 'news' } });
    }
    await client.roundTrip();
    expect(await server.adapter.channel(APP.id, 'news')).toBeUndefined();
    server.adapter.publish({
      appId: APP.id,
      channel: 'news',
      frame: '{"event":"x","channel":"news","data":"1"}',
    });
    await client.roundTrip();
    expect(client.count('x')).toBe(0);
  });

  it('removes every subscription and membership when the socket closes', async () => {
    const { server, wsUrl } = await startServer(NO_COUNTS);
    const client = await connect(wsUrl());
    await client.join('news');
    await client.join('private-a');
    await client.join('presence-room', JSON.stringify({ user_id: 'u1' }));
    expect((await server.adapter.channels(APP.id)).size).toBe(3);
    client.socket.terminate();
    await waitUntil(async () => (await server.adapter.channels(APP.id)).size === 0);
    expect(await server.adapter.members(APP.id, 'presence-room')).toEqual([]);
  });
});

describe('presence channels', () => {
  it('lists unique users in subscription_succeeded and announces only first join / last leave', async () => {
    const { wsUrl } = await startServer(NO_COUNTS);
    const alice = await connect(wsUrl());
    const first = await alice.join(
      'presence-room',
      JSON.stringify({ user_id: 1, user_info: { name: 'A' } }),
    );
    expect(dataOf(first)).toEqual({
      presence: { ids: ['1'], hash: { 1: { name: 'A' } }, count: 1 },
    });

    const bob = await connect(wsUrl());
    const joined = await bob.join(
      'presence-room',
      JSON.stringify({ user_id: 'b', user_info: { name: 'B' } }),
    );
    expect(dataOf(joined)).toEqual({
      presence: { ids: ['1', 'b'], hash: { 1: { name: 'A' }, b: { name: 'B' } }, count: 2 },
    });
    const added = await alice.event('pusher_internal:member_added', 'presence-room');
    expect(added).toEqual({
      event: 'pusher_internal:member_added',
      channel: 'presence-room',
      data: JSON.stringify({ user_id: 'b', user_info: { name: 'B' } }),
    });

    // Bob in a second tab: no member_added, unique count stays 2.
    const bobTab = await connect(wsUrl());
    const again = await bobTab.join(
      'presence-room',
      JSON.stringify({ user_id: 'b', user_info: { name: 'B' } }),
    );
    expect((dataOf(again) as { presence: { count: number } }).presence.count).toBe(2);
    await alice.roundTrip();
    expect(alice.count('pusher_internal:member_added')).toBe(1);
    expect(bob.count('pusher_internal:member_added')).toBe(0);

    bobTab.socket.close();
    await bobTab.closed;
    await alice.roundTrip();
    bob.send({ event: 'pusher:unsubscribe', data: { channel: 'presence-room' } });
    const removed = await alice.event('pusher_internal:member_removed', 'presence-room');
    expect(removed).toEqual({
      event: 'pusher_internal:member_removed',
      channel: 'presence-room',
      data: '{"user_id":"b"}',
    });
    expect(alice.count('pusher_internal:member_removed')).toBe(1);
  });

  it('verifies channel_data exactly as sent (a re-serialized copy fails)', async () => {
    const { wsUrl } = await startServer(NO_COUNTS);
    const client = await connect(wsUrl());
    const socketId = await client.socketId();
    const sent = '{ "user_id" : "1" }';
    const auth = channelAuthSignature({
      ...APP,
      socketId,
      channel: 'presence-x',
      channelData: '{"user_id":"1"}',
    });
    client.subscribe('presence-x', auth, sent);
    await client.event('pusher:subscription_error', 'presence-x');
    const frame = await client.join('presence-y', sent);
    expect((dataOf(frame) as { presence: { ids: string[] } }).presence.ids).toEqual(['1']);
  });

  it('uses the signed-in user when channel_data is absent', async () => {
    const { wsUrl } = await startServer(NO_COUNTS);
    const client = await connect(wsUrl());
    await client.signin(JSON.stringify({ id: 'u7', user_info: { role: 'admin' } }));
    await client.event('pusher:signin_success');
    const frame = await client.join('presence-z');
    expect(dataOf(frame)).toEqual({
      presence: { ids: ['u7'], hash: { u7: { role: 'admin' } }, count: 1 },
    });
  });

  it('refuses presence without channel_data when not signed in', async () => {
    const { wsUrl } = await startServer(NO_COUNTS);
    const client = await connect(wsUrl());
    const socketId = await client.socketId();
    client.subscribe(
      'presence-z',
      channelAuthSignature({ ...APP, socketId, channel: 'presence-z' }),
    );
    const error = await client.event('pusher:subscription_error', 'presence-z');
    expect((error.data as { type: string }).type).toBe('AuthError');
  });

  it('enforces max members, user_info bytes and user id length', async () => {
    const limits = { maxPresenceMembers: 1, maxPresenceUserInfoBytes: 10, maxUserIdLength: 3 };
    const { wsUrl } = await startServer({
      apps: [{ ...APP, subscriptionCountEvents: false, limits }],
    });
    const a = await connect(wsUrl());
    await a.join('presence-full', '{"user_id":"1"}');
    const b = await connect(wsUrl());
    const socketId = await b.socketId();
    const tries: [string, string][] = [
      ['presence-full', '{"user_id":"2"}'],
      ['presence-info', '{"user_id":"3","user_info":{"name":"far too long"}}'],
      ['presence-id', '{"user_id":"1234"}'],
    ];
    for (const [channel, channelData] of tries) {
      b.subscribe(
        channel,
        channelAuthSignature({ ...APP, socketId, channel, channelData }),
        channelData,
      );
    }
    await b.roundTrip();
    const errors = b.frames.filter((f) => f.event === 'pusher:subscription_error');
    expect(
      errors.map((f) => [f.channel, (f.data as { type: string; status: number }).status]),
    ).toEqual([
      ['presence-full', 4100],
      ['presence-info', 4301],
      ['presence-id', 4301],
    ]);
    // The same user as the member already in is still allowed in a full channel.
    await b.join('presence-full', '{"user_id":"1"}');
  });

  it('refuses a user_info nested too deep to serialize as over the limit, not as an internal error', async () => {
    const { server, wsUrl } = await startServer({ apps: [APP] });
    const client = await connect(wsUrl());
    const socketId = await client.socketId();
    // Arrays nest in 2 bytes a level: 14,000 levels fit in one 32 KB frame and overflow the stack.
    const depth = 14_000;
    const channel = 'presence-deep';
    const channelData = `{"user_id":"1","user_info":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
    client.subscribe(
      channel,
      channelAuthSignature({ ...APP, socketId, channel, channelData }),
      channelData,
    );
    const error = await client.event('pusher:subscription_error', channel);
    expect(error.data).toMatchObject({ type: 'LimitReached', status: 4301 });
    expect(server.metrics.render()).not.toContain('kind="internal"');
  });
});

describe('cache channels', () => {
  it('sends pusher:cache_miss without data (as soketi and Reverb) when nothing is cached', async () => {
    const { wsUrl } = await startServer(NO_COUNTS);
    const client = await connect(wsUrl());
    await client.join('cache-news');
    const miss = await client.event('pusher:cache_miss');
    expect(miss).toEqual({ event: 'pusher:cache_miss', channel: 'cache-news' });
    expect(client.texts).toContain('{"event":"pusher:cache_miss","channel":"cache-news"}');
    const index = client.frames.indexOf(miss);
    expect(client.frames[index - 1]?.event).toBe('pusher_internal:subscription_succeeded');
  });

  it('replays the cached event right after subscription_succeeded, for every cache kind', async () => {
    const { server, wsUrl } = await startServer(NO_COUNTS);
    const client = await connect(wsUrl());
    for (const channel of [
      'cache-a',
      'private-cache-b',
      'private-encrypted-cache-c',
      'presence-cache-d',
    ]) {
      await server.adapter.setCachedEvent(
        APP.id,
        channel,
        { event: 'update', data: '{"v":1}' },
        60,
      );
      await client.join(channel, channel.startsWith('presence-') ? '{"user_id":"1"}' : undefined);
      const replay = await client.event('update', channel);
      expect(replay).toEqual({ event: 'update', channel, data: '{"v":1}' });
      const index = client.frames.indexOf(replay);
      expect(client.frames[index - 1]?.event).toBe('pusher_internal:subscription_succeeded');
    }
    expect(client.count('pusher:cache_miss')).toBe(0);
  });
});

describe('subscription_count', () => {
  const COUNTS = { apps: [{ ...APP, subscriptionCountEvents: true }] };

  it('broadcasts the count on each change for non-presence channels when enabled', async () => {
    const { wsUrl } = await startServer(COUNTS);
    const a = await connect(wsUrl());
    await a.join('news');
    const first = await a.event('pusher_internal:subscription_count', 'news');
    expect(first).toEqual({
      event: 'pusher_internal:subscription_count',
      channel: 'news',
      data: '{"subscription_count":1}',
    });
    const b = await connect(wsUrl());
    await b.join('news');
    await a.waitFor(
      (f) =>
        f.event === 'pusher_internal:subscription_count' && f.data === '{"subscription_count":2}',
    );
    b.send({ event: 'pusher:unsubscribe', data: { channel: 'news' } });
    await a.waitFor(
      (f) =>
        f.event === 'pusher_internal:subscription_count' &&
        a.count('pusher_internal:subscription_count') === 3,
    );
    expect(a.frames.at(-1)?.data).toBe('{"subscription_count":1}');
  });

  it('is not sent on presence channels, nor when the app disables it', async () => {
    const { wsUrl } = await startServer(COUNTS);
    const a = await connect(wsUrl());
    await a.join('presence-p', '{"user_id":"1"}');
    await a.roundTrip();
    expect(a.count('pusher_internal:subscription_count')).toBe(0);
    const off = await startServer(NO_COUNTS);
    const b = await connect(off.wsUrl());
    await b.join('news');
    await b.roundTrip();
    expect(b.count('pusher_internal:subscription_count')).toBe(0);
  });
});

describe('orphan cleanup', () => {
  it('announces member_removed for members a dead node left behind', async () => {
    // A node dying is a fault no real peer produces here: capture the handlers and replay what a
    // surviving node's adapter reports after reaping the dead node's state.
    class CapturingAdapter extends LocalAdapter {
      captured: AdapterHandlers | undefined;
      override start(handlers: AdapterHandlers): Promise<void> {
        this.captured = handlers;
        return super.start(handlers);
      }
    }
    const adapter = new CapturingAdapter();
    const { wsUrl } = await startServer({ ...NO_COUNTS, adapter });
    const alice = await connect(wsUrl());
    await alice.join('presence-room', '{"user_id":"alice"}');
    await adapter.addMember(APP.id, 'presence-room', '9.9', { userId: 'ghost', userInfo: null });
    const change = await adapter.removeMember(APP.id, 'presence-room', '9.9');
    expect(change?.transitioned).toBe(true);
    adapter.captured?.clusterChanged([
      {
        kind: 'member',
        direction: 'removed',
        appId: APP.id,
        channel: 'presence-room',
        socketId: '9.9',
        change: change!,
      },
    ]);
    const removed = await alice.event('pusher_internal:member_removed');
    expect(removed.data).toBe('{"user_id":"ghost"}');
  });
});
