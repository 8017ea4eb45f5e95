/**
 * Conformance with the real peers: pusher-js (Node build) as the client, the official `pusher`
 * server SDK as the publisher, against our server on 127.0.0.1:0.
 */
import { createServer as createHttpServer, Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connected, nextEvent, subscribed, waitUntil } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createServer } from '../src/index';
import { officialSdk, pusherClient } from './conformance-helpers';
import { APP, startServer } from './ws-helpers';

describe('pusher-js + official pusher SDK', () => {
  it('receives SDK-triggered events on public, private and encrypted channels', async () => {
    const { address } = await startServer();
    const client = pusherClient(address.port);
    const sdk = officialSdk(address.port);
    for (const channel of ['news', 'private-orders', 'private-encrypted-secrets']) {
      await subscribed(client, channel);
      const received = nextEvent(client, channel, 'update');
      const response = await sdk.trigger(channel, 'update', { channel, n: 1 });
      expect(response.status).toBe(200);
      expect(await received).toEqual({ channel, n: 1 });
    }
  });

  it('honours socket_id exclusion from the SDK', async () => {
    const { address } = await startServer();
    const sender = pusherClient(address.port);
    const other = pusherClient(address.port);
    await Promise.all([subscribed(sender, 'news'), subscribed(other, 'news')]);
    const senderGot: unknown[] = [];
    sender.channel('news').bind('e', (data: unknown) => senderGot.push(data));
    const received = nextEvent(other, 'news', 'e');
    await officialSdk(address.port).trigger('news', 'e', 'x', {
      socket_id: sender.connection.socket_id,
    });
    expect(await received).toBe('x');
    const marker = nextEvent(sender, 'news', 'marker');
    await officialSdk(address.port).trigger('news', 'marker', 'm');
    await marker;
    expect(senderGot).toEqual([]);
  });

  it('tracks presence members: two users, and the same user twice', async () => {
    const { address } = await startServer();
    const alice = pusherClient(address.port, { userId: 'alice', userInfo: { name: 'Alice' } });
    const members = await subscribed<{ count: number; me: { id: string } }>(alice, 'presence-room');
    expect(members.count).toBe(1);
    expect(members.me).toEqual({ id: 'alice', info: { name: 'Alice' } });

    const added = nextEvent<{ id: string; info: unknown }>(
      alice,
      'presence-room',
      'pusher:member_added',
    );
    const bob = pusherClient(address.port, { userId: 'bob', userInfo: { name: 'Bob' } });
    await subscribed(bob, 'presence-room');
    expect(await added).toEqual({ id: 'bob', info: { name: 'Bob' } });

    const bobAgain = pusherClient(address.port, { userId: 'bob', userInfo: { name: 'Bob' } });
    const again = await subscribed<{ count: number }>(bobAgain, 'presence-room');
    expect(again.count).toBe(2);

    const removed = nextEvent<{ id: string }>(alice, 'presence-room', 'pusher:member_removed');
    bobAgain.disconnect();
    bob.unsubscribe('presence-room');
    expect((await removed).id).toBe('bob');
    const aliceChannel = alice.channel('presence-room') as unknown as {
      members: { count: number };
    };
    expect(aliceChannel.members.count).toBe(1);
  });

  it('relays client events between pusher-js clients, not back to the sender', async () => {
    const { address } = await startServer({ apps: [{ ...APP, enableClientMessages: true }] });
    const a = pusherClient(address.port, { userId: 'a' });
    const b = pusherClient(address.port, { userId: 'b' });
    await Promise.all([subscribed(a, 'presence-chat'), subscribed(b, 'presence-chat')]);
    const received = new Promise<{ data: unknown; userId: unknown }>((resolve) => {
      b.channel('presence-chat').bind(
        'client-typing',
        (data: unknown, metadata: { user_id?: string }) =>
          resolve({ data, userId: metadata?.user_id }),
      );
    });
    const echoed: unknown[] = [];
    a.channel('presence-chat').bind('client-typing', (data: unknown) => echoed.push(data));
    expect(a.channel('presence-chat').trigger('client-typing', { typing: true })).toBe(true);
    expect(await received).toEqual({ data: { typing: true }, userId: 'a' });
    expect(echoed).toEqual([]);
  });

  it('signs in, and receives sendToUser messages on #server-to-user-<id>', async () => {
    const { address } = await startServer();
    const client = pusherClient(address.port, { userId: '42', userInfo: { name: 'Ada' } });
    await connected(client);
    client.signin();
    await client.user.signinDonePromise;
    expect(client.user.user_data).toEqual({ id: '42', user_info: { name: 'Ada' } });
    // pusher-js subscribes to #server-to-user-42 after signin; wait until the server has it.
    const userChannel = client.user as unknown as { serverToUserChannel?: { subscribed: boolean } };
    await waitUntil(() => userChannel.serverToUserChannel?.subscribed === true);
    const received = new Promise<unknown>((resolve) => client.user.bind('greeting', resolve));
    await officialSdk(address.port).sendToUser('42', 'greeting', { hi: 'Ada' });
    expect(await received).toEqual({ hi: 'Ada' });
  });

  it('presence works for a signed-in user without channel_data', async () => {
    const { address } = await startServer();
    const client = pusherClient(address.port, {
      userId: 'u1',
      userInfo: { role: 'admin' },
      presenceChannelData: false,
    });
    await connected(client);
    client.signin();
    await client.user.signinDonePromise;
    const members = await subscribed<{ me: unknown; count: number }>(client, 'presence-lobby');
    expect(members.me).toEqual({ id: 'u1', info: { role: 'admin' } });
  });

  it('gets the cached event on cache channels, or pusher:cache_miss', async () => {
    const { address } = await startServer();
    const first = pusherClient(address.port);
    const miss = nextEvent(first, 'cache-weather', 'pusher:cache_miss');
    await subscribed(first, 'cache-weather');
    await miss;
    await officialSdk(address.port).trigger('cache-weather', 'forecast', { sky: 'blue' });
    const second = pusherClient(address.port);
    const cached = nextEvent(second, 'cache-weather', 'forecast');
    await subscribed(second, 'cache-weather');
    expect(await cached).toEqual({ sky: 'blue' });
  });

  it('surfaces subscription_count and subscription errors on the channel', async () => {
    const { address } = await startServer({ apps: [{ ...APP, subscriptionCountEvents: true }] });
    const client = pusherClient(address.port);
    const count = nextEvent<{ subscription_count: number }>(
      client,
      'news',
      'pusher:subscription_count',
    );
    await subscribed(client, 'news');
    expect((await count).subscription_count).toBe(1);
  });

  it('reconnects at once after a 4200 shutdown to the server restarted behind the same port', async () => {
    // pusher-js answers 4200 with an immediate reconnect. In Node, a refused TCP connect then
    // stalls its ws transport for 15 s, so the port stays open here (as behind a load balancer)
    // and only the pushwire server behind it is restarted.
    const front = createHttpServer();
    let backend = new HttpServer();
    front.on('request', (req, res) => backend.emit('request', req, res));
    front.on('upgrade', (req, socket, head) => backend.emit('upgrade', req, socket, head));
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    // Upgraded and kept-alive sockets would hold close() open: end them all at teardown.
    const frontSockets = new Set<Socket>();
    front.on('connection', (socket: Socket) => {
      frontSockets.add(socket);
      socket.on('close', () => frontSockets.delete(socket));
    });
    onTestFinished(
      () =>
        new Promise<void>((resolve) => {
          front.close(() => resolve());
          for (const socket of frontSockets) socket.destroy();
        }),
    );
    const port = (front.address() as AddressInfo).port;

    const first = createServer({ logLevel: 'silent', apps: [APP] });
    await first.attach(backend);
    const client = pusherClient(port);
    await subscribed(client, 'news');
    const firstSocketId = client.connection.socket_id;
    const codes: unknown[] = [];
    client.connection.bind('error', (error: { data?: { code?: number } }) =>
      codes.push(error.data?.code),
    );

    const second = createServer({ logLevel: 'silent', apps: [APP] });
    onTestFinished(() => second.close());
    const secondBackend = new HttpServer();
    await second.attach(secondBackend);
    const closing = first.close();
    backend = secondBackend;
    await closing;

    await waitUntil(
      () =>
        client.connection.state === 'connected' && client.connection.socket_id !== firstSocketId,
    );
    expect(codes).toContain(4200);
    // pusher-js resubscribes by itself; a trigger then reaches it.
    await waitUntil(async () => (await second.adapter.channel(APP.id, 'news')) !== undefined);
    const received = nextEvent(client, 'news', 'after');
    await officialSdk(port).trigger('news', 'after', 'ok');
    expect(await received).toBe('ok');
  });
});
