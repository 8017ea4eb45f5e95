/**
 * @module e2e/round-trip
 * The whole toolkit together, from sources: an event triggered with @pushwire/sdk goes through
 * @pushwire/server to the official pusher-js client; private and presence subscriptions are
 * authorized by the SDK; the server's webhooks arrive signed and verify with the SDK.
 */
import { Pusher } from '@pushwire/sdk';
import { createServer } from '@pushwire/server';
import {
  connected,
  nextEvent,
  pusherClient,
  startWebhookReceiver,
  subscribe,
  type WebhookReceiver,
  waitUntil,
} from '@pushwire/test-support';
import OfficialPusher from 'pusher';
import type PusherJs from 'pusher-js';
import { describe, expect, it, onTestFinished } from 'vitest';

const KEY = 'app-key';
const SECRET = 'app-secret';
const APP_ID = 'app-id';

interface Stack {
  readonly port: number;
  readonly sdk: Pusher;
  readonly receiver: WebhookReceiver;
  client(user?: { id: string; info?: Record<string, unknown> }): Promise<PusherJs>;
}

/** Start a receiver, a server with the dev app on port 0 and an SDK client; stop all at the end. */
async function startStack(): Promise<Stack> {
  const receiver = await startWebhookReceiver();
  const server = createServer({
    port: 0,
    logLevel: 'silent',
    webhooks: [{ url: receiver.url }],
    webhookBatchMs: 10,
    vacateDelayMs: 50,
    shutdownTimeoutMs: 2_000,
  });
  const { port } = await server.listen();
  onTestFinished(() => server.close());
  const sdk = new Pusher({
    appId: APP_ID,
    key: KEY,
    secret: SECRET,
    host: '127.0.0.1',
    port,
    useTLS: false,
  });
  return {
    port,
    sdk,
    receiver,
    async client(user) {
      // Channel authorization by the SDK, as an app's auth endpoint answers it.
      const client = pusherClient(
        port,
        { key: KEY, secret: SECRET },
        {
          pusherOptions: {
            channelAuthorization: {
              transport: 'ajax',
              endpoint: '/unused',
              customHandler: ({ socketId, channelName }, callback) => {
                try {
                  const presence =
                    channelName.startsWith('presence-') && user !== undefined
                      ? { user_id: user.id, user_info: user.info ?? {} }
                      : undefined;
                  callback(null, sdk.authorizeChannel(socketId, channelName, presence));
                } catch (error) {
                  callback(error instanceof Error ? error : new Error(String(error)), null);
                }
              },
            },
          },
        },
      );
      await connected(client);
      return client;
    },
  };
}

describe('SDK -> server -> pusher-js', () => {
  it('delivers a triggered event to a public channel subscriber, data intact', async () => {
    const stack = await startStack();
    const client = await stack.client();
    await subscribe(client, 'orders');

    const received = nextEvent(client, 'orders', 'order-placed');
    const result = await stack.sdk.trigger('orders', 'order-placed', { id: 7, text: 'héllo ✓' });
    expect(result).toEqual({});
    expect(await received).toEqual({ id: 7, text: 'héllo ✓' });
  });

  it('authorizes private and presence subscriptions with the SDK and tracks members', async () => {
    const stack = await startStack();
    const ada = await stack.client({ id: 'ada', info: { name: 'Ada' } });
    const bob = await stack.client({ id: 'bob', info: { name: 'Bob' } });

    await subscribe(ada, 'private-inbox');
    const privateEvent = nextEvent(ada, 'private-inbox', 'note');
    await stack.sdk.trigger('private-inbox', 'note', 'plain text');
    expect(await privateEvent).toBe('plain text');

    await subscribe(ada, 'presence-room');
    const joined = nextEvent(ada, 'presence-room', 'pusher:member_added');
    const bobRoom = await subscribe(bob, 'presence-room');
    expect(await joined).toMatchObject({ id: 'bob', info: { name: 'Bob' } });
    expect((bobRoom as unknown as { members: { count: number } }).members.count).toBe(2);

    const users = await stack.sdk.channelUsers('presence-room');
    expect(users).toEqual({ users: expect.arrayContaining([{ id: 'ada' }, { id: 'bob' }]) });
    const info = await stack.sdk.channelInfo('presence-room', { info: 'user_count' });
    expect(info).toMatchObject({ occupied: true, user_count: 2 });

    const toAda = nextEvent(ada, 'presence-room', 'announce');
    const toBob = nextEvent(bob, 'presence-room', 'announce');
    await stack.sdk.trigger('presence-room', 'announce', { round: 1 });
    expect(await toAda).toEqual({ round: 1 });
    expect(await toBob).toEqual({ round: 1 });
  });

  it('excludes the socket given as socket_id', async () => {
    const stack = await startStack();
    const sender = await stack.client();
    const other = await stack.client();
    const senderChannel = await subscribe(sender, 'feed');
    await subscribe(other, 'feed');
    const seenBySender: unknown[] = [];
    senderChannel.bind('update', (data: unknown) => seenBySender.push(data));

    const first = nextEvent(other, 'feed', 'update');
    await stack.sdk.trigger('feed', 'update', { n: 1 }, { socketId: sender.connection.socket_id });
    expect(await first).toEqual({ n: 1 });
    // A second event to both proves the first one was not merely late for the sender.
    const senderSecond = nextEvent(sender, 'feed', 'update');
    await stack.sdk.trigger('feed', 'update', { n: 2 });
    expect(await senderSecond).toEqual({ n: 2 });
    expect(seenBySender).toEqual([{ n: 2 }]);
  });

  it('sends signed webhooks that the SDK verifies', async () => {
    const stack = await startStack();
    const client = await stack.client();
    await subscribe(client, 'hooked');

    const occupied = await waitUntil(
      () => stack.receiver.received.find((hook) => hook.rawBody.includes('channel_occupied')),
      'a channel_occupied webhook',
    );
    expect(occupied.headers['content-type']).toBe('application/json');
    const webhook = stack.sdk.webhook({ headers: occupied.headers, body: occupied.rawBody });
    expect(webhook.isValid()).toBe(true);
    expect(webhook.events).toContainEqual({ name: 'channel_occupied', channel: 'hooked' });

    const tampered = stack.sdk.webhook({
      headers: occupied.headers,
      body: occupied.rawBody.replace('hooked', 'hacked'),
    });
    expect(tampered.isValid()).toBe(false);

    client.unsubscribe('hooked');
    const vacated = await waitUntil(
      () => stack.receiver.received.find((hook) => hook.rawBody.includes('channel_vacated')),
      'a channel_vacated webhook',
    );
    const vacatedHook = stack.sdk.webhook({ headers: vacated.headers, body: vacated.rawBody });
    expect(vacatedHook.events).toContainEqual({ name: 'channel_vacated', channel: 'hooked' });
  });

  it('works the same with the official pusher SDK (trigger and webhook validation)', async () => {
    const stack = await startStack();
    const official = new OfficialPusher({
      appId: APP_ID,
      key: KEY,
      secret: SECRET,
      host: '127.0.0.1',
      port: String(stack.port),
      useTLS: false,
    });
    const client = await stack.client({ id: 'cy' });
    await subscribe(client, 'presence-official');

    const received = nextEvent(client, 'presence-official', 'from-official');
    const response = await official.trigger('presence-official', 'from-official', { ok: true });
    expect(response.status).toBe(200);
    expect(await received).toEqual({ ok: true });

    const hook = await waitUntil(
      () => stack.receiver.received.find((candidate) => candidate.rawBody.includes('member_added')),
      'a member_added webhook',
    );
    expect(official.webhook({ headers: hook.headers, rawBody: hook.rawBody }).isValid()).toBe(true);
  });
});
