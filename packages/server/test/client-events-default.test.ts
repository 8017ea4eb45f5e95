/**
 * Pusher's default for client events: an app from code, a config file or the environment refuses
 * them unless it sets `enableClientMessages` (as Pusher and soketi do); the built-in development
 * app, served when no apps are configured, allows them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  createServer,
  DEFAULT_APP,
  loadServerOptions,
  resolveServerOptions,
  ServerConfigError,
} from '../src/index';
import { APP, connect, startServer } from './ws-helpers';

const dir = mkdtempSync(join(tmpdir(), 'pushwire-client-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENV_APP = {
  PUSHWIRE_APP_ID: 'env-app',
  PUSHWIRE_APP_KEY: 'env-key',
  PUSHWIRE_APP_SECRET: 'env-secret',
};

function clientMessagesOf(options: Parameters<typeof resolveServerOptions>[0]): boolean[] {
  return resolveServerOptions(options).apps.map((app) => app.enableClientMessages);
}

describe('client events default', () => {
  it('a configured app without the flag refuses them with 4301 and relays nothing', async () => {
    const { wsUrl } = await startServer({ apps: [{ ...APP, subscriptionCountEvents: false }] });
    const sender = await connect(wsUrl());
    const receiver = await connect(wsUrl());
    await sender.join('private-room');
    await receiver.join('private-room');
    sender.send({ event: 'client-typing', channel: 'private-room', data: {} });
    expect(await sender.event('pusher:error')).toEqual({
      event: 'pusher:error',
      data: { code: 4301, message: 'Client events are disabled for this app' },
    });
    await receiver.roundTrip();
    expect(receiver.count('client-typing')).toBe(0);
  });

  it('the built-in development app allows them', async () => {
    const server = createServer({ port: 0, logLevel: 'silent' });
    onTestFinished(() => server.close());
    const { port } = await server.listen();
    const url = `ws://127.0.0.1:${port}/app/${DEFAULT_APP.key}?protocol=7&client=js&version=8.6.0`;
    const sender = await connect(url);
    const receiver = await connect(url);
    await sender.join('private-room', undefined, DEFAULT_APP);
    await receiver.join('private-room', undefined, DEFAULT_APP);
    sender.send({ event: 'client-typing', channel: 'private-room', data: { a: 1 } });
    expect((await receiver.event('client-typing')).data).toBe('{"a":1}');
  });

  it('is off for apps from code, a config file and the environment unless they enable it', () => {
    expect(clientMessagesOf({})).toEqual([true]);
    expect(clientMessagesOf({ apps: [APP] })).toEqual([false]);
    expect(clientMessagesOf({ apps: [{ ...APP, enableClientMessages: true }] })).toEqual([true]);

    const file = join(dir, 'apps.json');
    writeFileSync(
      file,
      JSON.stringify({
        apps: [
          { id: 'a', key: 'ka', secret: 'sa' },
          { id: 'b', key: 'kb', secret: 'sb', enableClientMessages: true },
        ],
      }),
    );
    expect(clientMessagesOf(loadServerOptions({ configPath: file }))).toEqual([false, true]);

    expect(clientMessagesOf(loadServerOptions({ env: ENV_APP }))).toEqual([false]);
    expect(
      clientMessagesOf(
        loadServerOptions({ env: { ...ENV_APP, PUSHWIRE_APP_ENABLE_CLIENT_MESSAGES: 'true' } }),
      ),
    ).toEqual([true]);
    expect(
      clientMessagesOf(
        loadServerOptions({
          env: { PUSHWIRE_APPS: JSON.stringify([{ id: 'c', key: 'kc', secret: 'sc' }]) },
        }),
      ),
    ).toEqual([false]);
  });

  it('PUSHWIRE_APP_ENABLE_CLIENT_MESSAGES is validated and needs the PUSHWIRE_APP_* app', () => {
    expect(() =>
      loadServerOptions({ env: { ...ENV_APP, PUSHWIRE_APP_ENABLE_CLIENT_MESSAGES: 'maybe' } }),
    ).toThrow(/PUSHWIRE_APP_ENABLE_CLIENT_MESSAGES.*true\/false/);
    expect(() =>
      loadServerOptions({ env: { PUSHWIRE_APP_ENABLE_CLIENT_MESSAGES: 'true' } }),
    ).toThrow(ServerConfigError);
  });
});
