/**
 * The debug console's API on real servers (127.0.0.1:0): the live log as Server-Sent Events
 * (connections, subscriptions, refusals, REST and client events, webhooks), filters, the overview
 * (channels and presence members), the trigger route, and who may see what: the development app
 * on loopback without a login, configured apps only with `console.enabled` and then only with a
 * session token or a REST signature; a wrong secret is a 401 that never echoes it.
 */
import { Pusher as PushwireSdk, signRequest } from '@pushwire/sdk';
import { startWebhookReceiver } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type AppOptions, createServer, type ServerOptions } from '../src/index';
import { SseClient } from './helpers/sse-client';
import { connect } from './ws-helpers';

const DEV = { id: 'app-id', key: 'app-key', secret: 'app-secret' } as const;
const CONFIGURED: AppOptions = Object.freeze({
  id: 'conf-1',
  key: 'conf-key',
  secret: 'conf-secret-0123456789',
  enableClientMessages: true,
});
const OTHER: AppOptions = Object.freeze({
  id: 'conf-2',
  key: 'other-key',
  secret: 'other-secret-xyz',
});

async function start(options: ServerOptions = {}) {
  const server = createServer({ port: 0, logLevel: 'silent', ...options });
  onTestFinished(() => server.close());
  const address = await server.listen();
  const base = address.url;
  const sdk = (app: { id: string; key: string; secret: string } = DEV) => {
    const client = new PushwireSdk({
      appId: app.id,
      key: app.key,
      secret: app.secret,
      host: '127.0.0.1',
      port: address.port,
      useTLS: false,
    });
    onTestFinished(() => client.close());
    return client;
  };
  return {
    server,
    base,
    sdk,
    wsUrl: (key: string = DEV.key) =>
      `ws://127.0.0.1:${address.port}/app/${key}?protocol=7&client=js&version=8.6.0&flash=false`,
  };
}

async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

describe('the development app on a loopback address', () => {
  it('serves the page and its assets, offline, under a strict CSP', async () => {
    const { base } = await start();
    const page = await fetch(`${base}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ['app.js', 'app.css']) {
      const response = await fetch(`${base}/console/${asset}`);
      expect(response.status).toBe(200);
      expect(await response.text()).not.toMatch(/https?:\/\/(?!127)/);
    }
    const slash = await fetch(`${base}/console/`, { redirect: 'manual' });
    expect(slash.status).toBe(308);
    expect(slash.headers.get('location')).toBe('/console');
    expect(await (await fetch(`${base}/console/api/config`)).json()).toEqual({
      open: ['app-id'],
      login: false,
    });
  });

  it('streams connections, subscriptions, API events, client events and closes', async () => {
    const { base, sdk, wsUrl } = await start();
    const stream = await SseClient.connect(`${base}/console/api/apps/app-id/stream`);
    const client = await connect(wsUrl());
    const socketId = await client.socketId();
    await stream.entry({ kind: 'connection_opened', socketId });
    await client.join('news');
    await stream.entry({ kind: 'subscribed', channel: 'news', socketId });
    await sdk().trigger('news', 'breaking', { headline: 'hi' });
    const event = await stream.entry({ kind: 'api_event', channel: 'news' });
    expect(event).toMatchObject({ appId: 'app-id', event: 'breaking', data: '{"headline":"hi"}' });
    expect(typeof event['node']).toBe('string');
    await client.join('private-chat', undefined, DEV);
    client.send({ event: 'client-typing', channel: 'private-chat', data: { who: 'me' } });
    const clientEvent = await stream.entry({ kind: 'client_event', channel: 'private-chat' });
    expect(clientEvent).toMatchObject({ event: 'client-typing', socketId, data: '{"who":"me"}' });
    client.send({ event: 'pusher:unsubscribe', data: { channel: 'news' } });
    await stream.entry({ kind: 'unsubscribed', channel: 'news', socketId });
    client.socket.close(1000);
    const closed = await stream.entry({ kind: 'connection_closed', socketId });
    expect(closed).toMatchObject({ code: 1000, reason: 'normal closure' });
  });

  it('shows refusals with their reason and filters by channel and event', async () => {
    const { base, sdk, wsUrl } = await start();
    const all = await SseClient.connect(`${base}/console/api/apps/app-id/stream`);
    const onlyA = await SseClient.connect(`${base}/console/api/apps/app-id/stream?channel=a-*`);
    const onlyPing = await SseClient.connect(`${base}/console/api/apps/app-id/stream?event=ping`);
    const client = await connect(wsUrl());
    client.subscribe('private-secret', 'app-key:0000');
    const refused = await all.entry({ kind: 'refused', channel: 'private-secret' });
    expect(refused['refusal']).toBe('subscription_auth');
    expect(String(refused['reason']).length).toBeGreaterThan(0);
    await sdk().trigger('b-one', 'ping', {});
    await sdk().trigger('a-one', 'pong', {});
    await sdk().trigger('a-two', 'ping', {});
    await all.entry({ kind: 'api_event', channel: 'a-two' });
    await onlyA.entry({ kind: 'api_event', channel: 'a-two' });
    await onlyPing.entry({ kind: 'api_event', channel: 'a-two' });
    expect(onlyA.entries().map((entry) => entry['channel'])).toEqual(['a-one', 'a-two']);
    expect(onlyPing.entries().map((entry) => entry['channel'])).toEqual(['b-one', 'a-two']);
  });

  it('lists channels with counts and presence members, and triggers like the REST API', async () => {
    const { base, wsUrl } = await start();
    const client = await connect(wsUrl());
    await client.join(
      'presence-room',
      JSON.stringify({ user_id: 'alice', user_info: { n: 1 } }),
      DEV,
    );
    const overview = (await (
      await fetch(`${base}/console/api/apps/app-id/overview`)
    ).json()) as Record<string, unknown>;
    expect(overview).toMatchObject({
      appId: 'app-id',
      connections: 1,
      nodes: 1,
      channels: [
        {
          name: 'presence-room',
          subscriptionCount: 1,
          userCount: 1,
          members: [{ id: 'alice', info: { n: 1 } }],
        },
      ],
    });
    const bad = await post(`${base}/console/api/apps/app-id/events`, {
      name: 'pusher:nope',
      channel: 'presence-room',
      data: '{}',
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toMatch(/pusher:/);
    const ok = await post(`${base}/console/api/apps/app-id/events`, {
      name: 'hello',
      channel: 'presence-room',
      data: '{"x":1}',
    });
    expect(ok.status).toBe(200);
    const frame = await client.event('hello', 'presence-room');
    expect(frame.data).toBe('{"x":1}');
  });

  it('keeps a stream open past the HTTP request timeout, and ends it on close', async () => {
    // A stream that held the HTTP drain would make close() wait the whole shutdownTimeoutMs.
    const { server, base, sdk } = await start({ requestTimeoutMs: 300, shutdownTimeoutMs: 60_000 });
    const stream = await SseClient.connect(`${base}/console/api/apps/app-id/stream`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await sdk().trigger('late', 'still-here', {});
    await stream.entry({ kind: 'api_event', channel: 'late' });
    await server.close();
    expect(await SseClient.open(`${base}/console/api/apps/app-id/stream`).catch(() => 'gone')).toBe(
      'gone',
    );
  });

  it('reports webhooks sent with target, status, latency and attempt', async () => {
    const receiver = await startWebhookReceiver((index) => (index === 0 ? 500 : 200));
    const { base, wsUrl } = await start({
      apps: [{ ...DEV, webhooks: [{ url: receiver.url }] }],
      webhookBatchMs: 0,
    });
    const stream = await SseClient.connect(`${base}/console/api/apps/app-id/stream`);
    const client = await connect(wsUrl());
    await client.join('hooked');
    const failed = await stream.entry({ kind: 'webhook', attempt: 1 });
    expect(failed).toMatchObject({
      code: 500,
      reason: 'HTTP 500',
      target: receiver.url,
      events: 1,
    });
    expect(typeof failed['latencyMs']).toBe('number');
  }, 15_000);
});

describe('access', () => {
  it('is off for configured apps unless enabled, and off entirely when disabled', async () => {
    const configured = await start({ apps: [CONFIGURED] });
    expect((await fetch(`${configured.base}/console`)).status).toBe(404);
    expect((await fetch(`${configured.base}/console/api/apps/conf-1/stream`)).status).toBe(404);
    const disabled = await start({ console: { enabled: false } });
    expect((await fetch(`${disabled.base}/console`)).status).toBe(404);
  });

  it('asks for the key and secret when enabled; a wrong secret is a 401 that does not echo it', async () => {
    const { base, sdk } = await start({ apps: [CONFIGURED, OTHER], console: { enabled: true } });
    expect(await (await fetch(`${base}/console/api/config`)).json()).toEqual({
      open: [],
      login: true,
    });
    const unauthenticated = await SseClient.open(`${base}/console/api/apps/conf-1/stream`);
    expect(unauthenticated).toMatchObject({ status: 401 });
    const wrong = await post(`${base}/console/api/login`, {
      key: CONFIGURED.key,
      secret: 'guessed-secret-value',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('guessed-secret-value');
    expect(wrong.text).not.toContain(CONFIGURED.secret);
    const unknown = await post(`${base}/console/api/login`, { key: 'nope', secret: 'x' });
    expect(unknown).toEqual(wrong);

    const login = await post(`${base}/console/api/login`, {
      key: CONFIGURED.key,
      secret: CONFIGURED.secret,
    });
    expect(login.status).toBe(200);
    const session = JSON.parse(login.text) as { appId: string; token: string; expiresAt: number };
    expect(session.appId).toBe('conf-1');
    expect(login.text).not.toContain(CONFIGURED.secret);
    const token = encodeURIComponent(session.token);

    // The token opens its own app only; a forged one nothing.
    const other = await SseClient.open(`${base}/console/api/apps/conf-2/stream?token=${token}`);
    expect(other).toMatchObject({ status: 401 });
    const forged = `${session.token.split('.')[0]}.${'0'.repeat(64)}`;
    expect(
      await SseClient.open(`${base}/console/api/apps/conf-1/stream?token=${forged}`),
    ).toMatchObject({ status: 401 });

    const stream = await SseClient.connect(`${base}/console/api/apps/conf-1/stream?token=${token}`);
    await sdk(CONFIGURED as never).trigger('news', 'ev', { a: 1 });
    await stream.entry({ kind: 'api_event', channel: 'news', event: 'ev' });

    const renewed = await post(`${base}/console/api/apps/conf-1/session?token=${token}`, {});
    expect(renewed.status).toBe(200);
    const overview = await fetch(`${base}/console/api/apps/conf-1/overview?token=${token}`);
    expect(overview.status).toBe(200);
  });

  it('accepts a stream request signed like the REST API (pushwire tail)', async () => {
    const { base } = await start({ apps: [CONFIGURED], console: { enabled: true } });
    const path = '/console/api/apps/conf-1/stream';
    const sign = (secret: string) =>
      new URLSearchParams(
        signRequest({
          method: 'GET',
          path,
          key: CONFIGURED.key,
          secret,
          timestamp: Math.floor(Date.now() / 1000),
          params: { channel: 'news' },
        }),
      ).toString();
    await SseClient.connect(`${base}${path}?${sign(CONFIGURED.secret)}`);
    const refused = await SseClient.open(`${base}${path}?${sign('wrong-secret-value')}`);
    expect(refused).toMatchObject({ status: 401 });
    expect((refused as { body: string }).body).not.toContain('wrong-secret-value');
  });
});
