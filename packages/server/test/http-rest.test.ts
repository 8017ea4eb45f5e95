/**
 * REST API routes driven by the official `pusher` client and by raw requests signed with the
 * SDK's `signRequest`, against a real server on 127.0.0.1:0 with real WebSocket subscribers.
 */

import { waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import { REST_APP, rawRequest, signedRequest, startRestServer } from './http-helpers';
import { connect } from './ws-helpers';

const presenceData = (id: string) => JSON.stringify({ user_id: id, user_info: { name: id } });

describe('POST /apps/{id}/events', () => {
  it('publishes the exact frame to subscribers and answers {} as application/json', async () => {
    const rest = await startRestServer();
    const client = await connect(rest.wsUrl());
    await client.join('orders', undefined, REST_APP);

    const response = await rest.pusher().trigger('orders', 'created', { id: 7 });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({});

    await client.event('created', 'orders');
    expect(client.texts.at(-1)).toBe(
      JSON.stringify({ event: 'created', channel: 'orders', data: '{"id":7}' }),
    );
  });

  it('excludes the socket_id and reaches several channels', async () => {
    const rest = await startRestServer();
    const sender = await connect(rest.wsUrl());
    const other = await connect(rest.wsUrl());
    await sender.join('a', undefined, REST_APP);
    await other.join('a', undefined, REST_APP);
    await other.join('b', undefined, REST_APP);

    await rest.pusher().trigger(['a', 'b'], 'ping', 'x', { socket_id: await sender.socketId() });
    await other.event('ping', 'a');
    await other.event('ping', 'b');
    await sender.roundTrip();
    expect(sender.count('ping')).toBe(0);
  });

  it('answers user_count and subscription_count together for a presence channel', async () => {
    const rest = await startRestServer();
    const client = await connect(rest.wsUrl());
    await client.join('presence-room', presenceData('1'), REST_APP);
    const response = await rest.pusher().get({
      path: '/channels/presence-room',
      params: { info: 'user_count,subscription_count' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      occupied: true,
      user_count: 1,
      subscription_count: 1,
    });
  });

  it('returns the requested info per channel type', async () => {
    const rest = await startRestServer();
    const client = await connect(rest.wsUrl());
    await client.join('presence-room', presenceData('1'), REST_APP);
    await client.join('news', undefined, REST_APP);

    const response = await rest.pusher().trigger(['presence-room', 'news', 'empty'], 'e', 'd', {
      info: 'user_count,subscription_count',
    });
    expect(await response.json()).toEqual({
      channels: {
        'presence-room': { user_count: 1 },
        news: { subscription_count: 1 },
        empty: { subscription_count: 0 },
      },
    });
  });

  it('accepts a single `channel` and the SDK signRequest path', async () => {
    const rest = await startRestServer();
    const body = JSON.stringify({ name: 'n', data: 'd', channel: 'solo' });
    const response = await signedRequest(rest.port, {
      method: 'POST',
      path: `/apps/${REST_APP.id}/events`,
      body,
    });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({});
  });

  it('stores the last event of a cache channel and reports it with info=cache', async () => {
    const rest = await startRestServer();
    await rest.pusher().trigger('cache-prices', 'tick', { p: 1 });
    const response = await rest
      .pusher()
      .get({ path: '/channels/cache-prices', params: { info: 'cache' } });
    const body = (await response.json()) as {
      occupied: boolean;
      cache: { data: string; ttl: number };
    };
    expect(body.occupied).toBe(false);
    expect(body.cache.data).toBe('{"p":1}');
    expect(body.cache.ttl).toBeGreaterThan(1790);
    expect(body.cache.ttl).toBeLessThanOrEqual(1800);
  });

  it('delivers sendToUser to the signed-in user', async () => {
    const rest = await startRestServer();
    const client = await connect(rest.wsUrl());
    await client.signin(JSON.stringify({ id: 'u1' }), REST_APP);
    await client.event('pusher:signin_success');
    await client.join('#server-to-user-u1', undefined, REST_APP).catch(() => undefined);
    await rest.pusher().sendToUser('u1', 'hello', { a: 1 });
    const frame = await client.event('hello');
    expect(frame.channel).toBe('#server-to-user-u1');
  });
});

describe('POST /apps/{id}/batch_events', () => {
  it('answers {} without info and an index-aligned batch with info', async () => {
    const rest = await startRestServer();
    const client = await connect(rest.wsUrl());
    await client.join('presence-b', presenceData('9'), REST_APP);
    await client.join('plain', undefined, REST_APP);

    const plain = await rest.pusher().triggerBatch([
      { channel: 'plain', name: 'one', data: '1' },
      { channel: 'plain', name: 'two', data: '2' },
    ]);
    expect(await plain.json()).toEqual({});
    await client.event('two', 'plain');
    expect(
      client.frames
        .filter(
          (f) => f.channel === 'plain' && f.event !== 'pusher_internal:subscription_succeeded',
        )
        .map((f) => f.event),
    ).toContain('one');

    const withInfo = await rest.pusher().triggerBatch([
      { channel: 'presence-b', name: 'x', data: '1', info: 'user_count' },
      { channel: 'plain', name: 'y', data: '2' },
      { channel: 'plain', name: 'z', data: '3', info: 'subscription_count' },
    ]);
    expect(await withInfo.json()).toEqual({
      batch: [{ user_count: 1 }, {}, { subscription_count: 1 }],
    });
  });
});

describe('GET /apps/{id}/channels', () => {
  it('lists occupied channels only, filtered by prefix, with user_count for presence', async () => {
    const rest = await startRestServer();
    const client = await connect(rest.wsUrl());
    await client.join('presence-one', presenceData('1'), REST_APP);
    await client.join('public-one', undefined, REST_APP);
    await rest.pusher().trigger('never-subscribed', 'e', 'd');

    const all = await rest.pusher().get({ path: '/channels' });
    expect(await all.json()).toEqual({ channels: { 'presence-one': {}, 'public-one': {} } });

    const presence = await rest
      .pusher()
      .get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } });
    expect(await presence.json()).toEqual({ channels: { 'presence-one': { user_count: 1 } } });
  });

  it('answers 400 for info=user_count without a presence- prefix', async () => {
    const rest = await startRestServer();
    const response = await signedRequest(rest.port, {
      method: 'GET',
      path: `/apps/${REST_APP.id}/channels`,
      params: { info: 'user_count' },
    });
    expect(response.status).toBe(400);
    expect(response.contentType).toBe('application/json');
    expect(response.json()).toEqual({
      error: 'info=user_count requires filter_by_prefix to start with "presence-"',
    });
  });
});

describe('GET /apps/{id}/channels/{name}', () => {
  it('always has occupied; user_count for presence, subscription_count otherwise', async () => {
    const rest = await startRestServer();
    const client = await connect(rest.wsUrl());
    await client.join('presence-c', presenceData('5'), REST_APP);
    await client.join('room', undefined, REST_APP);
    const pusher = rest.pusher();

    const empty = await pusher.get({ path: '/channels/unused' });
    expect(await empty.json()).toEqual({ occupied: false });
    const room = await pusher.get({
      path: '/channels/room',
      params: { info: 'subscription_count' },
    });
    expect(await room.json()).toEqual({ occupied: true, subscription_count: 1 });
    const presence = await pusher.get({
      path: '/channels/presence-c',
      params: { info: 'user_count' },
    });
    expect(await presence.json()).toEqual({ occupied: true, user_count: 1 });

    const wrong = await signedRequest(rest.port, {
      method: 'GET',
      path: `/apps/${REST_APP.id}/channels/room`,
      params: { info: 'user_count' },
    });
    expect(wrong.status).toBe(400);
  });

  it('accepts a percent-encoded channel signed either encoded or decoded', async () => {
    const rest = await startRestServer();
    const client = await connect(rest.wsUrl());
    await client.join('a=b@c,d', undefined, REST_APP);
    const encoded = `/apps/${REST_APP.id}/channels/${encodeURIComponent('a=b@c,d')}`;
    for (const signedPath of [encoded, `/apps/${REST_APP.id}/channels/a=b@c,d`]) {
      const response = await signedRequest(rest.port, {
        method: 'GET',
        path: signedPath,
        requestPath: encoded,
      });
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({ occupied: true });
    }
  });
});

describe('GET /apps/{id}/channels/{name}/users', () => {
  it('lists unique users with string ids; 400 for non-presence channels', async () => {
    const rest = await startRestServer();
    const first = await connect(rest.wsUrl());
    const second = await connect(rest.wsUrl());
    await first.join('presence-u', JSON.stringify({ user_id: 1 }), REST_APP);
    await second.join('presence-u', JSON.stringify({ user_id: 1 }), REST_APP);

    const response = await rest.pusher().get({ path: '/channels/presence-u/users' });
    expect(await response.json()).toEqual({ users: [{ id: '1' }] });

    const wrong = await signedRequest(rest.port, {
      method: 'GET',
      path: `/apps/${REST_APP.id}/channels/public/users`,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json()).toEqual({ error: 'Users can only be listed for presence channels' });
  });
});

describe('POST /apps/{id}/users/{user}/terminate_connections', () => {
  it('answers {} and closes the user connections', async () => {
    const rest = await startRestServer();
    const client = await connect(rest.wsUrl());
    await client.signin(JSON.stringify({ id: 'bye' }), REST_APP);
    await client.event('pusher:signin_success');

    const response = await rest.pusher().terminateUserConnections('bye');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    await client.closed;
  });
});

describe('native push stand-in', () => {
  const path = `/server_api/v1/apps/${REST_APP.id}/notifications`;

  it('accepts a valid rc2 payload with 202, records it, and lists it with GET', async () => {
    const rest = await startRestServer();
    const body = JSON.stringify({
      gcm: { notification: { title: 'Hi', icon: 'i' }, to: 'x' },
      interests: ['donuts'],
    });
    const accepted = await signedRequest(rest.port, { method: 'POST', path, body });
    expect(accepted.status).toBe(202);
    const { id } = accepted.json() as { id: string };
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const listed = await signedRequest(rest.port, { method: 'GET', path });
    const list = listed.json() as {
      notifications: { id: string; payload: Record<string, unknown> }[];
    };
    expect(list.notifications).toHaveLength(1);
    expect(list.notifications[0]?.id).toBe(id);
    expect(list.notifications[0]?.payload).toEqual({
      gcm: { notification: { title: 'Hi', icon: 'i' } },
      interests: ['donuts'],
    });
  });

  it.each([
    [{ interests: ['a'] }, 'GCM or APNS data must be provided'],
    [{ apns: {}, interests: ['a', 'b'] }, 'Too many interests provided'],
    [{ gcm: { time_to_live: 241921 } }, 'Time to live must be between 0 and 241920 (4 weeks)'],
    [{ gcm: { notification: { icon: 'i' } } }, 'Notification title is a required field'],
    [{ gcm: { notification: { title: 't' } } }, 'Notification icon is a required field'],
    [{ apns: {}, webhook_url: 'ftp://x' }, 'Webhook url is invalid'],
    [{ apns: {}, webhook_level: 'INFO' }, 'Webhook level cannot be used without a webhook url'],
    [
      { apns: {}, webhook_url: 'https://x.test', webhook_level: 'LOUD' },
      'Webhook level must either be INFO or DEBUG',
    ],
  ])('rejects %j with 400', async (payload, message) => {
    const rest = await startRestServer();
    const response = await signedRequest(rest.port, {
      method: 'POST',
      path,
      body: JSON.stringify(payload),
    });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ error: message });
  });
});

describe('operational endpoints', () => {
  it('serves /, /health, /ready and /metrics', async () => {
    const rest = await startRestServer();
    const root = await rawRequest(rest.port, { method: 'GET', path: '/' });
    expect(root.json()).toEqual({ ok: true, name: 'pushwire' });

    const health = await rawRequest(rest.port, { method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    expect(health.contentType).toBe('application/json');
    expect(health.json()).toEqual({ ok: true, draining: false, adapter: { ok: true } });

    const ready = await rawRequest(rest.port, { method: 'GET', path: '/ready' });
    expect(ready.json()).toEqual({ ready: true });

    await rest.pusher().trigger('m', 'e', 'd');
    const metrics = await rawRequest(rest.port, { method: 'GET', path: '/metrics' });
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.text).toContain('# TYPE pushwire_http_requests_total counter');
    expect(metrics.text).toContain('pushwire_http_requests_total{route="events",status="200"} 1');
    expect(metrics.text).toMatch(/pushwire_api_events_total\{app_id="[^"]+"\} 1\n/);
    expect(metrics.text).toContain('pushwire_adapter_up 1');

    const missing = await rawRequest(rest.port, { method: 'GET', path: '/nope' });
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ error: 'Not found' });
  });

  it('404s /metrics when metrics are disabled', async () => {
    const rest = await startRestServer({ metrics: false });
    const response = await rawRequest(rest.port, { method: 'GET', path: '/metrics' });
    expect(response.status).toBe(404);
  });
});

describe('path prefix', () => {
  it('accepts requests with or without the prefix, signed with or without it', async () => {
    const rest = await startRestServer({ pathPrefix: '/pusher' });
    const body = JSON.stringify({ name: 'n', data: 'd', channels: ['p'] });
    const bare = `/apps/${REST_APP.id}/events`;
    const cases = [
      { path: bare, requestPath: `/pusher${bare}` },
      { path: `/pusher${bare}`, requestPath: `/pusher${bare}` },
      { path: bare, requestPath: bare },
      { path: `/pusher${bare}`, requestPath: bare },
    ];
    for (const input of cases) {
      const response = await signedRequest(rest.port, { method: 'POST', body, ...input });
      expect(response.status, JSON.stringify(input)).toBe(200);
    }
    const health = await rawRequest(rest.port, { method: 'GET', path: '/pusher/health' });
    expect(health.status).toBe(200);
    await waitUntil(() => rest.server.metrics.get('pushwire_api_events_total') === 4);
  });
});
