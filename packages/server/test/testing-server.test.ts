/**
 * `@pushwire/server/testing` against the real clients: events published with `@pushwire/sdk` and
 * the official `pusher` package and by pusher-js clients are captured and awaited with
 * `nextEvent()`; webhooks arrive verified through `nextWebhook()`; timeouts name the filter; the
 * capture is bounded; `close()` ends clients, waits and the receiver, and is idempotent.
 */
import { Pusher as PushwireSdk } from '@pushwire/sdk';
import {
  CaptureTimeoutError,
  startTestServer,
  type TestServer,
  TestServerError,
} from '@pushwire/server/testing';
import OfficialPusher from 'pusher';
import { afterEach, describe, expect, it } from 'vitest';

let server: TestServer | undefined;

async function start(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  server = await startTestServer(...args);
  return server;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startTestServer: captured events', () => {
  it('captures an event published with @pushwire/sdk, before or after nextEvent() was called', async () => {
    const test = await start();
    expect(test.url).toBe(`http://127.0.0.1:${test.port}`);
    const sdk = new PushwireSdk(test.sdkOptions);
    await sdk.trigger('orders', 'created', { id: 1 });
    const early = await test.nextEvent({ channel: 'orders', name: 'created' });
    expect(early).toMatchObject({
      source: 'api',
      appId: 'app-id',
      channel: 'orders',
      name: 'created',
      data: '{"id":1}',
      json: { id: 1 },
    });

    const later = test.nextEvent({ name: 'created' });
    await sdk.trigger(['orders', 'audit'], 'created', 'plain text');
    expect(await later).toMatchObject({ channel: 'orders', data: 'plain text', json: undefined });
    // Each captured event is returned once: the next one is the second channel's.
    expect((await test.nextEvent({ name: 'created' })).channel).toBe('audit');
    expect(test.events({ name: 'created' }).map((event) => event.channel)).toEqual([
      'orders',
      'orders',
      'audit',
    ]);
    test.clear();
    expect(test.events()).toEqual([]);
    sdk.close();
  });

  it('captures events (batch and socket_id included) from the official pusher package', async () => {
    const test = await start();
    const official = new OfficialPusher(test.sdkOptions);
    await official.trigger('private-chat', 'message', { text: 'hi' }, { socket_id: '123.456' });
    await official.triggerBatch([
      { channel: 'feed', name: 'one', data: { n: 1 } },
      { channel: 'feed', name: 'two', data: { n: 2 } },
    ]);
    expect(await test.nextEvent({ channel: 'private-chat' })).toMatchObject({
      name: 'message',
      json: { text: 'hi' },
      socketId: '123.456',
    });
    expect((await test.nextEvent({ channel: 'feed', name: /^t/ })).json).toEqual({ n: 2 });
    expect((await test.nextEvent({ where: (event) => event.channel === 'feed' })).name).toBe('one');
  });

  it('rejects with a CaptureTimeoutError that names the filter and what came instead', async () => {
    const test = await start();
    await new PushwireSdk(test.sdkOptions).trigger('orders', 'updated', {});
    const error = await test
      .nextEvent({ channel: 'orders', name: 'created' }, { timeoutMs: 50 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CaptureTimeoutError);
    expect(error).toMatchObject({ kind: 'event', timeoutMs: 50 });
    expect((error as Error).message).toBe(
      'No event matching { channel: "orders", name: "created" } within 50 ms; ' +
        '1 event(s) captured, 1 not yet consumed: orders/updated',
    );
  });

  it('keeps at most maxCaptured events and says how many were dropped', async () => {
    const test = await start({ maxCaptured: 3 });
    const sdk = new PushwireSdk(test.sdkOptions);
    for (let index = 0; index < 5; index += 1) await sdk.trigger('feed', `e${index}`, index);
    expect(test.events().map((event) => event.name)).toEqual(['e2', 'e3', 'e4']);
    const error = await test.nextEvent({ name: 'e0' }, { timeoutMs: 20 }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('2 older event(s) were dropped (cap)');
  });
});

describe('startTestServer: pusher-js clients', () => {
  it('connects clients that authorize private and presence channels and send client events', async () => {
    const test = await start();
    const alice = await test.client({ user: { id: 'alice', info: { name: 'Alice' } } });
    const bob = await test.client({ user: { id: 'bob' } });
    expect(alice.connection.state).toBe('connected');

    const aliceRoom = await test.subscribe(alice, 'presence-room');
    const bobRoom = await test.subscribe(bob, 'presence-room');
    expect(
      Object.keys((bobRoom as unknown as { members: { members: object } }).members.members),
    ).toEqual(expect.arrayContaining(['alice', 'bob']));

    const received = new Promise((resolve) => aliceRoom.bind('client-typing', resolve));
    bobRoom.trigger('client-typing', { typing: true });
    expect(await received).toEqual({ typing: true });
    expect(await test.nextEvent({ source: 'client' })).toMatchObject({
      channel: 'presence-room',
      name: 'client-typing',
      json: { typing: true },
      userId: 'bob',
      socketId: bob.connection.socket_id,
    });

    const privateChannel = await test.subscribe(alice, 'private-inbox');
    const message = new Promise((resolve) => privateChannel.bind('note', resolve));
    await new OfficialPusher(test.sdkOptions).trigger('private-inbox', 'note', { n: 1 });
    expect(await message).toEqual({ n: 1 });
  });

  it('shares its master key with the SDKs: encrypted channels work end to end', async () => {
    const test = await start();
    const client = await test.client();
    const channel = await test.subscribe(client, 'private-encrypted-vault');
    const received = new Promise((resolve) => channel.bind('secret', resolve));
    await new PushwireSdk(test.sdkOptions).trigger('private-encrypted-vault', 'secret', {
      code: 42,
    });
    expect(await received).toEqual({ code: 42 });
    // The server only ever sees the ciphertext.
    const captured = await test.nextEvent({ channel: 'private-encrypted-vault' });
    // (The plaintext, not the digits: base64 ciphertext contains "42" about once in 50 runs.)
    expect(captured.data).not.toContain('"code"');
    expect(captured.data).not.toContain('{"code":42}');
    expect(captured.json).toMatchObject({
      nonce: expect.any(String),
      ciphertext: expect.any(String),
    });
  });

  it('reports a refused subscription with the channel and status', async () => {
    const test = await start();
    const client = await test.client({
      pusherOptions: {
        channelAuthorization: {
          customHandler: (_params, callback) => callback(null, { auth: 'app-key:bad' }),
        },
      },
    });
    await expect(test.subscribe(client, 'private-nope')).rejects.toThrow(
      /^Subscription to private-nope failed/,
    );
  });
});

describe('startTestServer: captured webhooks', () => {
  it('receives verified webhooks: occupied, member_added, client_event, member_removed, vacated', async () => {
    const test = await start();
    expect(test.webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pusher\/webhooks$/);
    const alice = await test.client({ user: { id: 'alice' } });
    const channel = await test.subscribe(alice, 'presence-lobby');
    expect(await test.nextWebhook({ name: 'channel_occupied' })).toMatchObject({
      channel: 'presence-lobby',
      timeMs: expect.any(Number),
    });
    expect(await test.nextWebhook({ name: 'member_added' })).toMatchObject({ user_id: 'alice' });
    channel.trigger('client-wave', { hi: 1 });
    expect(await test.nextWebhook({ event: 'client-wave' })).toMatchObject({
      name: 'client_event',
      data: '{"hi":1}',
      user_id: 'alice',
    });
    alice.unsubscribe('presence-lobby');
    expect(await test.nextWebhook({ name: 'member_removed' })).toMatchObject({ user_id: 'alice' });
    expect(await test.nextWebhook({ name: 'channel_vacated', channel: /lobby/ })).toBeDefined();
    expect(test.webhooks({ channel: 'presence-lobby' }).length).toBe(5);
  });

  it('refuses a webhook with a bad signature (401) and says so when a wait times out', async () => {
    const test = await start();
    const forged = await fetch(test.webhookUrl as string, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-pusher-key': test.app.key,
        'x-pusher-signature': '0'.repeat(64),
      },
      body: JSON.stringify({ time_ms: Date.now(), events: [{ name: 'cache_miss', channel: 'c' }] }),
    });
    expect(forged.status).toBe(401);
    const error = await test.nextWebhook({ name: 'cache_miss' }, { timeoutMs: 20 }).catch((e) => e);
    expect(error).toBeInstanceOf(CaptureTimeoutError);
    expect((error as Error).message).toBe(
      'No webhook matching { name: "cache_miss" } within 20 ms; 0 webhook(s) captured, ' +
        '0 not yet consumed; 1 webhook request(s) failed verification (last reason: bad_signature)',
    );
  });

  it('with webhooks: false, asking for webhooks is a TestServerError', async () => {
    const test = await start({ webhooks: false });
    expect(test.webhookUrl).toBeUndefined();
    expect(() => test.webhooks()).toThrow(TestServerError);
    await expect(test.nextWebhook()).rejects.toThrow('Webhooks are off');
  });
});

describe('startTestServer: options and lifecycle', () => {
  it('serves the app it is given, with client events off when asked', async () => {
    const test = await start({
      app: { id: 'shop', key: 'shop-key', secret: 'shop-secret', enableClientMessages: false },
    });
    expect(test.app).toEqual({ id: 'shop', key: 'shop-key', secret: 'shop-secret' });
    expect(test.server.apps.byId('shop')?.enableClientMessages).toBe(false);
    await new OfficialPusher(test.sdkOptions).trigger('c', 'e', {});
    expect((await test.nextEvent()).appId).toBe('shop');
  });

  it('refuses a bad capture option with a TestServerError', async () => {
    await expect(startTestServer({ maxCaptured: 0 })).rejects.toThrow(
      'maxCaptured must be a positive integer, got 0',
    );
  });

  it('close() disconnects clients, rejects pending waits, is idempotent; asyncDispose closes', async () => {
    const test = await start();
    const client = await test.client();
    const pending = test.nextEvent({ name: 'never' }, { timeoutMs: 10_000 });
    const closing = test.close();
    expect(test.close()).toBe(closing);
    await closing;
    await expect(pending).rejects.toThrow('The test server closed while waiting for an event');
    expect(client.connection.state).toBe('disconnected');
    await expect(test.client()).rejects.toThrow('client(): the test server is closed');
    expect(test.server.connectionCount).toBe(0);

    const disposable = await startTestServer();
    await disposable[Symbol.asyncDispose]();
    await expect(fetch(`${disposable.url}/health`)).rejects.toThrow();
  });
});
