/**
 * Apps without a restart: `server.reloadApps()` on a real server, with pusher-js and the official
 * `pusher` SDK as the peers. Added apps are served at once, removed apps' connections get 4001,
 * disabled apps' 4003, a rotated secret applies to new REST requests, and an invalid set changes
 * nothing.
 */
import { channelAuthSignature } from '@pushwire/sdk';
import { nextEvent, officialSdk, pusherClient, statusOf, subscribed } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import { type AppOptions, createLogger, ServerConfigError } from '../src/index';
import { APP, connect, RawClient, startServer } from './ws-helpers';

const OTHER: AppOptions = Object.freeze({ id: 'app-2', key: 'key-2', secret: 'secret-2' });

describe('server.reloadApps()', () => {
  it('serves an added app at once: pusher-js connects and the SDK triggers to it', async () => {
    const { server, address } = await startServer();
    expect(await statusOf(officialSdk(address.port, OTHER).trigger('news', 'e', {}))).toBe(404);

    const change = server.reloadApps([APP, OTHER]);
    expect(change).toEqual({ added: ['app-2'], removed: [], changed: [] });

    const client = pusherClient(address.port, OTHER);
    await subscribed(client, 'news');
    const received = nextEvent(client, 'news', 'hello');
    expect(
      await statusOf(officialSdk(address.port, OTHER).trigger('news', 'hello', { n: 1 })),
    ).toBe(200);
    expect(await received).toEqual({ n: 1 });
    expect(server.apps.byId('app-2')?.key).toBe('key-2');
  });

  it('closes the connections of a removed app with 4001 and answers its REST as unknown', async () => {
    const { server, address, wsUrl } = await startServer({ apps: [APP, OTHER] });
    const kept = await connect(wsUrl(APP.key));
    const removed = await connect(wsUrl(OTHER.key));

    expect(server.reloadApps([APP])).toEqual({ added: [], removed: ['app-2'], changed: [] });

    expect(await removed.closed).toEqual({ code: 4001, reason: 'Application was removed' });
    const error = removed.frames.find((frame) => frame.event === 'pusher:error');
    expect(error?.data).toEqual({ code: 4001, message: 'Application was removed' });
    await kept.roundTrip();
    expect(kept.socket.readyState).toBe(kept.socket.OPEN);

    expect(await statusOf(officialSdk(address.port, OTHER).trigger('news', 'e', {}))).toBe(404);
    const refused = new RawClient(wsUrl(OTHER.key));
    expect((await refused.closed).code).toBe(4001);
  });

  it('pusher-js gives up (no reconnect) when its app is removed', async () => {
    const { server, address } = await startServer({ apps: [APP, OTHER] });
    const client = pusherClient(address.port, OTHER);
    await subscribed(client, 'news');
    const states: string[] = [];
    client.connection.bind('state_change', ({ current }: { current: string }) =>
      states.push(current),
    );
    const gaveUp = new Promise<void>((resolve) =>
      client.connection.bind('state_change', ({ current }: { current: string }) => {
        if (current === 'failed' || current === 'disconnected') resolve();
      }),
    );
    server.reloadApps([APP]);
    await gaveUp;
    expect(states).not.toContain('connecting');
  });

  it('closes the connections of an app that became disabled with 4003', async () => {
    const { server, wsUrl } = await startServer({ apps: [APP, OTHER] });
    const client = await connect(wsUrl(OTHER.key));
    expect(server.reloadApps([APP, { ...OTHER, enabled: false }]).changed).toEqual(['app-2']);
    expect(await client.closed).toEqual({ code: 4003, reason: 'Application is disabled' });
  });

  it('applies a rotated secret to new REST requests and subscriptions; connections stay', async () => {
    const { server, address, wsUrl } = await startServer();
    const client = await connect(wsUrl());
    const rotated: AppOptions = { ...APP, secret: 'secret-1-rotated' };

    expect(server.reloadApps([rotated])).toEqual({ added: [], removed: [], changed: ['app-1'] });

    expect(await statusOf(officialSdk(address.port, APP).trigger('news', 'e', {}))).toBe(401);
    expect(await statusOf(officialSdk(address.port, rotated).trigger('news', 'e', {}))).toBe(200);
    // The open connection stays; its next private subscription is checked with the new secret.
    const socketId = await client.socketId();
    const signed = (secret: string) =>
      channelAuthSignature({ key: APP.key, secret, socketId, channel: 'private-a' });
    client.subscribe('private-a', signed(APP.secret));
    await client.event('pusher:subscription_error', 'private-a');
    client.subscribe('private-a', signed(rotated.secret));
    await client.event('pusher_internal:subscription_succeeded', 'private-a');
  });

  it('keeps the old apps when the new set is invalid, without echoing a secret', async () => {
    const { server, address } = await startServer();
    const invalid = [APP, { ...OTHER, key: APP.key, secret: 'do-not-print-me' }];
    let thrown: unknown;
    try {
      server.reloadApps(invalid);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ServerConfigError);
    expect((thrown as Error).message).toBe(
      'Invalid server option "apps[1].key": is used by another app',
    );
    expect(JSON.stringify(thrown)).not.toContain('do-not-print-me');
    expect(server.apps.all().map((app) => app.id)).toEqual(['app-1']);
    expect(await statusOf(officialSdk(address.port, APP).trigger('news', 'e', {}))).toBe(200);
    expect(() => server.reloadApps([{ ...APP, secret: '' }])).toThrow(
      'Invalid server option "apps[0].secret": must be a non-empty string, got a string',
    );
  });

  it('reports no change for the same apps and serves the development app for undefined', async () => {
    const { server } = await startServer();
    expect(server.reloadApps([{ ...APP }])).toEqual({ added: [], removed: [], changed: [] });
    expect(server.reloadApps(undefined)).toEqual({
      added: ['app-id'],
      removed: ['app-1'],
      changed: [],
    });
  });

  it('counts an added app under its own metrics label', async () => {
    const { server, wsUrl } = await startServer();
    server.reloadApps([APP, OTHER]);
    await connect(wsUrl(OTHER.key));
    expect(server.metrics.render()).toContain('pushwire_connections{app_id="app-2"} 1');
  });

  it('drops the metrics series of a removed app', async () => {
    const { server, wsUrl } = await startServer({ apps: [APP, OTHER] });
    const removed = await connect(wsUrl(OTHER.key));
    expect(server.metrics.render()).toContain('pushwire_connections{app_id="app-2"} 1');
    server.reloadApps([APP]);
    await removed.closed;
    expect(server.metrics.render()).not.toContain('app_id="app-2"');
    expect(server.metrics.render()).toContain(`pushwire_connections{app_id="${APP.id}"}`);
  });

  it('scrubs the secret of an added app from log lines when the logger asks for them', async () => {
    const lines: string[] = [];
    let current: readonly AppOptions[] = [APP];
    const logger = createLogger({
      write: (line) => lines.push(line),
      secrets: () => current.map((app) => app.secret),
    });
    const { server } = await startServer({ logger });
    const added = { ...OTHER, secret: 'fresh-secret-value' };
    current = [APP, added];
    server.reloadApps(current);
    logger.warn(`a message quoting ${added.secret} by mistake`);
    expect(lines.at(-1)).toContain('a message quoting [redacted] by mistake');
  });
});
