/**
 * Every REST route driven by `@pushwire/sdk`'s client against a real server, including error
 * statuses surfaced as the SDK's RequestError and the native push stand-in through `notify()`.
 */
import { Pusher } from '@pushwire/sdk';
import { describe, expect, it } from 'vitest';
import type { AppOptions } from '../src/index';
import { REST_APP, type RestServer, startRestServer } from './http-helpers';
import { connect } from './ws-helpers';

function sdkClient(rest: RestServer, app: AppOptions = REST_APP): Pusher {
  return new Pusher({
    appId: app.id,
    key: app.key,
    secret: app.secret,
    host: '127.0.0.1',
    port: rest.port,
    useTLS: false,
    retry: false,
    notificationHost: `127.0.0.1:${rest.port}`,
    notificationScheme: 'http',
  });
}

async function failure(call: Promise<unknown>): Promise<{ status: number; body: string }> {
  try {
    await call;
  } catch (error) {
    return error as { status: number; body: string };
  }
  throw new Error('expected a rejection');
}

describe('@pushwire/sdk against the server', () => {
  it('triggers, batches and reads info', async () => {
    const rest = await startRestServer();
    const client = await connect(rest.wsUrl());
    await client.join('presence-s', JSON.stringify({ user_id: 'a' }), REST_APP);
    await client.join('feed', undefined, REST_APP);
    const sdk = sdkClient(rest);

    expect(await sdk.trigger('feed', 'posted', { n: 1 })).toEqual({});
    const frame = await client.event('posted', 'feed');
    expect(frame.data).toBe('{"n":1}');

    expect(
      await sdk.trigger(['presence-s', 'feed'], 'x', 'y', {
        info: ['user_count', 'subscription_count'],
      }),
    ).toEqual({ channels: { 'presence-s': { user_count: 1 }, feed: { subscription_count: 1 } } });

    expect(await sdk.triggerBatch([{ channel: 'feed', name: 'b', data: '1' }])).toEqual({});
    expect(
      await sdk.triggerBatch([
        { channel: 'feed', name: 'b', data: '1', info: 'subscription_count' },
        { channel: 'feed', name: 'c', data: '2' },
      ]),
    ).toEqual({ batch: [{ subscription_count: 1 }, {}] });
  });

  it('queries channels, one channel, users; terminates; sends to a user', async () => {
    const rest = await startRestServer();
    const client = await connect(rest.wsUrl());
    await client.join('presence-q', JSON.stringify({ user_id: 7 }), REST_APP);
    await client.signin(JSON.stringify({ id: 'sdk-user' }), REST_APP);
    await client.event('pusher:signin_success');
    const sdk = sdkClient(rest);

    expect(await sdk.channels()).toEqual({ channels: { 'presence-q': {} } });
    expect(await sdk.channels({ prefix: 'presence-', info: 'user_count' })).toEqual({
      channels: { 'presence-q': { user_count: 1 } },
    });
    expect(await sdk.channelInfo('presence-q', { info: 'user_count' })).toEqual({
      occupied: true,
      user_count: 1,
    });
    expect(await sdk.channelUsers('presence-q')).toEqual({ users: [{ id: '7' }] });

    await sdk.trigger('cache-c', 'last', 'v');
    const cached = await sdk.channelInfo('cache-c', { info: 'cache' });
    expect(cached.occupied).toBe(false);
    expect(cached.cache?.data).toBe('v');

    await sdk.sendToUser('sdk-user', 'direct', 'hi');
    expect((await client.event('direct')).channel).toBe('#server-to-user-sdk-user');

    expect(await sdk.terminateUserConnections('sdk-user')).toEqual({});
    await client.closed;
  });

  it('surfaces 401, 404, 400 and 413 as RequestErrors with the JSON explanation', async () => {
    const rest = await startRestServer();
    const wrongSecret = await failure(
      sdkClient(rest, { ...REST_APP, secret: 'wrong-secret' }).trigger('c', 'e', 'd'),
    );
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toContain('Invalid signature');

    const unknownApp = await failure(
      sdkClient(rest, { ...REST_APP, id: 'nope' }).trigger('c', 'e', 'd'),
    );
    expect(unknownApp.status).toBe(404);

    const sdk = sdkClient(rest);
    const notPresence = await failure(sdk.channelUsers('public'));
    expect(notPresence.status).toBe(400);

    const big = new Pusher({
      appId: REST_APP.id,
      key: REST_APP.key,
      secret: REST_APP.secret,
      host: '127.0.0.1',
      port: rest.port,
      useTLS: false,
      retry: false,
      limits: { maxEventDataBytes: 1_000_000 },
    });
    const tooLarge = await failure(big.trigger('c', 'e', 'x'.repeat(20_000)));
    expect(tooLarge.status).toBe(413);
    expect(await sdk.trigger('c', 'still', 'fine')).toEqual({});
  });

  it('sends native push notifications that the server records', async () => {
    const rest = await startRestServer();
    const sdk = sdkClient(rest);
    const result = (await sdk.notify('kittens', { apns: { aps: { alert: 'hi' } } })) as {
      id: string;
    };
    expect(result.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
