/**
 * Conformance with Laravel Echo on top of pusher-js: private `.listen`, presence
 * `.here/.joining/.leaving`, and whispers; plus `@pushwire/sdk` publishing end to end.
 */
import { nextEvent, pushwireSdk, subscribed } from '@pushwire/test-support';
import Echo from 'laravel-echo';
import type PusherJs from 'pusher-js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MASTER_KEY_BASE64, officialSdk, pusherClient } from './conformance-helpers';
import { APP, startServer } from './ws-helpers';

function echoFor(client: PusherJs): Echo<'pusher'> {
  const echo = new Echo({ broadcaster: 'pusher', client, withoutInterceptors: true });
  onTestFinished(() => echo.disconnect());
  return echo;
}

interface Member {
  readonly id: string;
  readonly info: unknown;
}

describe('laravel-echo', () => {
  it('private(...).listen receives a broadcast from the official SDK', async () => {
    const { address } = await startServer();
    const echo = echoFor(pusherClient(address.port));
    const received = new Promise<unknown>((resolve) => {
      echo.private('orders.1').listen('.OrderShipped', resolve);
    });
    const channel = echo.connector.pusher.channel('private-orders.1');
    await new Promise<void>((resolve) =>
      channel.bind('pusher:subscription_succeeded', () => resolve()),
    );
    await officialSdk(address.port).trigger('private-orders.1', 'OrderShipped', { id: 1 });
    expect(await received).toEqual({ id: 1 });
  });

  it('join(...) reports here, joining and leaving', async () => {
    const { address } = await startServer();
    const alice = echoFor(
      pusherClient(address.port, { userId: 'alice', userInfo: { name: 'Alice' } }),
    );
    const channel = alice.join('room');
    const here = new Promise<Member[]>((resolve) => channel.here(resolve));
    const joining = new Promise<Member>((resolve) => channel.joining(resolve));
    const leaving = new Promise<Member>((resolve) => channel.leaving(resolve));
    expect(await here).toEqual([{ name: 'Alice' }]);

    const bobClient = pusherClient(address.port, { userId: 'bob', userInfo: { name: 'Bob' } });
    const bob = echoFor(bobClient);
    const bobHere = new Promise<unknown[]>((resolve) => bob.join('room').here(resolve));
    expect(await bobHere).toEqual(expect.arrayContaining([{ name: 'Alice' }, { name: 'Bob' }]));
    expect(await joining).toEqual({ name: 'Bob' });
    bob.leave('room');
    expect(await leaving).toEqual({ name: 'Bob' });
  });

  it('whisper reaches the other members and not the sender', async () => {
    const { address } = await startServer({ apps: [{ ...APP, enableClientMessages: true }] });
    const a = echoFor(pusherClient(address.port, { userId: 'a' }));
    const b = echoFor(pusherClient(address.port, { userId: 'b' }));
    const aChannel = a.private('chat');
    const bChannel = b.private('chat');
    const whispered = new Promise<unknown>((resolve) =>
      bChannel.listenForWhisper('typing', resolve),
    );
    const echoed: unknown[] = [];
    aChannel.listenForWhisper('typing', (data: unknown) => echoed.push(data));
    await Promise.all(
      [a, b].map(
        (echo) =>
          new Promise<void>((resolve) => {
            const channel = echo.connector.pusher.channel('private-chat');
            if (channel.subscribed) resolve();
            else channel.bind('pusher:subscription_succeeded', () => resolve());
          }),
      ),
    );
    aChannel.whisper('typing', { name: 'a' });
    expect(await whispered).toEqual({ name: 'a' });
    expect(echoed).toEqual([]);
  });
});

describe('@pushwire/sdk to pusher-js through the server', () => {
  it('delivers trigger, triggerBatch and encrypted events', async () => {
    const { address } = await startServer();
    const sdk = pushwireSdk(address.port, APP, { encryptionMasterKeyBase64: MASTER_KEY_BASE64 });
    const client = pusherClient(address.port);
    await subscribed(client, 'news');
    await subscribed(client, 'private-encrypted-vault');

    const one = nextEvent(client, 'news', 'single');
    await sdk.trigger('news', 'single', { n: 1 });
    expect(await one).toEqual({ n: 1 });

    const first = nextEvent(client, 'news', 'b1');
    const second = nextEvent(client, 'news', 'b2');
    await sdk.triggerBatch([
      { channel: 'news', name: 'b1', data: { n: 1 } },
      { channel: 'news', name: 'b2', data: { n: 2 } },
    ]);
    expect([await first, await second]).toEqual([{ n: 1 }, { n: 2 }]);

    const secret = nextEvent(client, 'private-encrypted-vault', 'sealed');
    await sdk.trigger('private-encrypted-vault', 'sealed', { gold: 3 });
    expect(await secret).toEqual({ gold: 3 });
  });
});
