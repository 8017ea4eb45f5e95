/**
 * @module test/cli
 * `pushwire` end to end: the built executable's `serve` in a child process on a free port, the SDK
 * commands against it, their human and `--json` output, exit codes (0 ok, 1 failure, 2 usage) and
 * graceful shutdown on SIGTERM. Argument parsing and the request commands run in-process through
 * `main()`; `--version` and one trigger also run as the built executable (smoke tests).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelAuthSignature, sharedSecretFor, userAuthSignature } from '@pushwire/sdk';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from './helpers/built-bin';
import { connectRawSubscriber } from './helpers/raw-subscriber';
import { runMain } from './helpers/run-main';
import { type ServeProcess, startServe } from './helpers/serve-process';

const DEV = { appId: 'app-id', key: 'app-key', secret: 'app-secret' };

let serve: ServeProcess;
let target: string[];

beforeAll(async () => {
  serve = await startServe();
  target = ['--port', String(serve.port)];
}, 120_000);

afterAll(async () => {
  await serve?.stop();
});

describe('pushwire (global)', () => {
  it('prints the version and the command list, and rejects unknown commands with exit 2', async () => {
    const version = await runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });

    const help = await runMain(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'trigger', 'channels', 'channel', 'users', 'auth']) {
      expect(help.stdout).toContain(`  ${command}`);
    }

    const unknown = await runMain(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('has --help for every command', async () => {
    const trigger = await runMain(['trigger', '--help']);
    expect(trigger.code).toBe(0);
    expect(trigger.stdout).toContain('Usage: pushwire trigger CHANNEL');
    const serveHelp = await runMain(['serve', '--help']);
    expect(serveHelp.stdout).toContain('--webhook-url URL');
  });
});

describe('pushwire serve', () => {
  it('prints a banner with the dev app, a pusher-js snippet and a PUSHER_URL', () => {
    const { stdout } = serve.output();
    expect(stdout).toContain(`listening on http://127.0.0.1:${serve.port}`);
    expect(stdout).toContain('app id: app-id   key: app-key   secret: app-secret');
    expect(stdout).toContain('client events: on (configured apps: off unless');
    expect(stdout).toContain(`wsPort: ${serve.port}`);
    expect(stdout).toContain(
      `PUSHER_URL=http://app-key:app-secret@127.0.0.1:${serve.port}/apps/app-id`,
    );
  });

  it('never prints the secret of a configured app', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushwire-cli-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const config = join(dir, 'pushwire.json');
    writeFileSync(
      config,
      JSON.stringify({ apps: [{ id: '42', key: 'k42', secret: 'do-not-print-42' }] }),
    );
    const configured = await startServe(['--config', config]);
    onTestFinished(async () => {
      await configured.stop();
    });
    const { stdout, stderr } = configured.output();
    expect(stdout).toContain('app id: 42   key: k42   client events: off');
    expect(stdout + stderr).not.toContain('do-not-print-42');

    const triggered = await runMain([
      'trigger',
      'news',
      'hello',
      '--port',
      String(configured.port),
      '--app-id',
      '42',
      '--key',
      'k42',
      '--secret',
      'do-not-print-42',
    ]);
    expect(triggered.code).toBe(0);
  });

  it('rejects a bad option with exit 2 and names it', async () => {
    const result = await runMain(['serve', '--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port must be an integer');
  });

  it('shuts down gracefully on SIGTERM with exit 0', async () => {
    const server = await startServe();
    const subscriber = await connectRawSubscriber(server.port);
    onTestFinished(() => subscriber.close());
    const code = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect(server.output().stdout).toContain('Server closed.');
  });
});

describe('SDK commands against pushwire serve', () => {
  it('trigger delivers to a subscriber, with human and --json output', async () => {
    const subscriber = await connectRawSubscriber(serve.port);
    onTestFinished(() => subscriber.close());
    await subscriber.subscribe('cli-news');

    const human = await runCli(['trigger', 'cli-news', 'headline', '{"title":"hi"}', ...target]);
    expect(human).toMatchObject({ code: 0, stderr: '' });
    expect(human.stdout).toBe('Triggered "headline" on cli-news\n');
    const frame = await subscriber.waitForFrame((f) => f.event === 'headline', 'headline');
    expect(frame).toEqual({ event: 'headline', channel: 'cli-news', data: '{"title":"hi"}' });

    const json = await runMain(
      ['trigger', 'cli-news,cli-other', 'piped', '-', '--json', ...target],
      { stdin: '{"n":2}\n' },
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({});
    const piped = await subscriber.waitForFrame((f) => f.event === 'piped', 'piped');
    expect(piped.data).toBe('{"n":2}');
  });

  it('trigger --socket-id excludes that connection; --info returns attributes', async () => {
    const excluded = await connectRawSubscriber(serve.port);
    const included = await connectRawSubscriber(serve.port);
    onTestFinished(() => {
      excluded.close();
      included.close();
    });
    await excluded.subscribe('cli-excl');
    await included.subscribe('cli-excl');

    const result = await runMain([
      'trigger',
      'cli-excl',
      'one',
      '{}',
      '--socket-id',
      excluded.socketId,
      '--info',
      'subscription_count',
      '--json',
      ...target,
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      channels: { 'cli-excl': { subscription_count: 2 } },
    });
    await included.waitForFrame((f) => f.event === 'one', 'one on the included socket');
    await runMain(['trigger', 'cli-excl', 'two', '{}', ...target]);
    await excluded.waitForFrame((f) => f.event === 'two', 'two on the excluded socket');
    expect(excluded.frames.some((f) => f.event === 'one')).toBe(false);
  });

  it('channels, channel and users show the server state', async () => {
    const ada = await connectRawSubscriber(serve.port);
    const bob = await connectRawSubscriber(serve.port);
    onTestFinished(() => {
      ada.close();
      bob.close();
    });
    await ada.subscribe('presence-cli-room', { userId: 'ada', userInfo: { name: 'Ada' } });
    await bob.subscribe('presence-cli-room', { userId: 'bob' });
    await ada.subscribe('cli-lobby');

    // Independent reads: run the processes side by side.
    const [channels, presence, channel, human, users, usersJson] = await Promise.all([
      runMain(['channels', '--json', ...target]),
      runMain(['channels', '--prefix', 'presence-', '--info', 'user_count', ...target]),
      runMain(['channel', 'presence-cli-room', '--info', 'user_count', '--json', ...target]),
      runMain(['channel', 'cli-lobby', '--info', 'subscription_count', ...target]),
      runMain(['users', 'presence-cli-room', ...target]),
      runMain(['users', 'presence-cli-room', '--json', ...target]),
    ]);
    expect(channels.code).toBe(0);
    const listed = JSON.parse(channels.stdout) as { channels: Record<string, unknown> };
    expect(Object.keys(listed.channels)).toEqual(
      expect.arrayContaining(['presence-cli-room', 'cli-lobby']),
    );

    expect(presence.code).toBe(0);
    expect(presence.stdout).toContain('presence-cli-room  user_count=2');
    expect(presence.stdout).not.toContain('cli-lobby');

    expect(JSON.parse(channel.stdout)).toEqual({ occupied: true, user_count: 2 });
    expect(human.stdout).toBe('cli-lobby\n  occupied: true\n  subscription_count: 1\n');

    expect(users.stdout.split('\n').filter(Boolean).sort()).toEqual(['ada', 'bob']);
    expect(JSON.parse(usersJson.stdout)).toEqual({
      users: expect.arrayContaining([{ id: 'ada' }, { id: 'bob' }]),
    });
  });

  it('auth prints responses that verify with the SDK signing functions', async () => {
    const socketId = '123.456';
    const masterKeyBytes = new Uint8Array(32).fill(7);
    const masterKey = Buffer.from(masterKeyBytes).toString('base64');
    const [privateAuth, presenceAuth, userAuth, encryptedAuth, noKey] = await Promise.all([
      runMain(['auth', 'channel', socketId, 'private-orders']),
      runMain([
        'auth',
        'channel',
        socketId,
        'presence-room',
        '--user-id',
        '42',
        '--user-info',
        '{"name":"Ada"}',
      ]),
      runMain(['auth', 'user', socketId, '--user-data', '{"id":"42"}']),
      runMain([
        'auth',
        'channel',
        socketId,
        'private-encrypted-x',
        '--encryption-master-key',
        masterKey,
      ]),
      runMain(['auth', 'channel', socketId, 'private-encrypted-x']),
    ]);
    expect(JSON.parse(encryptedAuth.stdout)).toEqual({
      auth: channelAuthSignature({ ...DEV, socketId, channel: 'private-encrypted-x' }),
      shared_secret: sharedSecretFor('private-encrypted-x', masterKeyBytes),
    });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--encryption-master-key');
    expect(privateAuth.code).toBe(0);
    expect(JSON.parse(privateAuth.stdout)).toEqual({
      auth: channelAuthSignature({ ...DEV, socketId, channel: 'private-orders' }),
    });

    const presence = JSON.parse(presenceAuth.stdout) as { auth: string; channel_data: string };
    expect(JSON.parse(presence.channel_data)).toEqual({
      user_id: '42',
      user_info: { name: 'Ada' },
    });
    expect(presence.auth).toBe(
      channelAuthSignature({
        ...DEV,
        socketId,
        channel: 'presence-room',
        channelData: presence.channel_data,
      }),
    );

    const user = JSON.parse(userAuth.stdout) as { auth: string; user_data: string };
    expect(JSON.parse(user.user_data)).toEqual({ id: '42' });
    expect(user.auth).toBe(userAuthSignature({ ...DEV, socketId, userData: user.user_data }));
  });

  it('exits 2 with a message on usage errors', async () => {
    const cases: [string[], string][] = [
      [['trigger'], 'missing CHANNEL'],
      [['trigger', 'ch'], 'missing EVENT'],
      [['trigger', 'ch', 'ev', '{}', 'extra'], 'unexpected argument'],
      [['trigger', 'ch', 'ev', '--bogus'], "Unknown option '--bogus'"],
      [['channels', '--port', '99999'], '--port must be an integer'],
      [['auth', 'channel', '1.2', 'presence-x'], 'presence channels need --user-id'],
      [['auth', 'user', '1.2'], 'missing --user-data'],
      [['serve', '--log-level', 'loud'], '--log-level must be one of'],
      [['serve', '--transport', 'uws'], '--transport must be one of'],
      [['serve', '--webhook-url', 'ftp://x'], '--webhook-url must be an http:// or https:// URL'],
      [['auth', 'user', '1.2', '--user-data', '{oops'], '--user-data must be valid JSON'],
      [['auth', 'channel', 'not-a-socket', 'private-x'], 'ValidationError'],
      [['trigger', 'bad channel!', 'ev', ...['--port', '1']], 'ValidationError'],
      [['channel', '--url', 'http://nokey@127.0.0.1/apps/1'], '--url must have the form'],
      [['trigger', 'ch', 'ev', '{oops', '--port', '1'], 'DATA is not valid JSON'],
    ];
    const results = await Promise.all(cases.map(([args]) => runMain(args)));
    cases.forEach(([args, message], index) => {
      const result = results[index];
      expect({ args, code: result?.code }).toEqual({ args, code: 2 });
      expect(result?.stderr).toContain(message);
    });
  });

  it('exits 1 with AuthenticationError for a wrong secret, without printing it', async () => {
    const result = await runMain([
      'trigger',
      'ch',
      'ev',
      '{}',
      ...target,
      '--secret',
      'wrong-secret-xyz',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^pushwire: AuthenticationError \(401\): /);
    expect(result.stderr).not.toContain('wrong-secret-xyz');

    const json = await runMain(['channels', '--json', ...target, '--secret', 'wrong-secret-xyz']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toMatchObject({
      error: { name: 'AuthenticationError', status: 401 },
    });
  });

  it('exits 1 with a connection error naming the endpoint, and a hint on loopback', async () => {
    const result = await runMain(['channels', '--port', '1', '--timeout', '3000']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^pushwire: \w+Error/);
    expect(result.stderr).toContain('GET http://127.0.0.1:1/apps/app-id/channels failed');
    expect(result.stderr).toContain('start a local server with "pushwire serve"');
  });

  it('sends data that is not JSON only with --raw', async () => {
    const subscriber = await connectRawSubscriber(serve.port);
    onTestFinished(() => subscriber.close());
    await subscriber.subscribe('raw-ch');
    const result = await runMain(['trigger', 'raw-ch', 'ev', 'plain text', '--raw', ...target]);
    expect(result.code).toBe(0);
    const frame = await subscriber.waitForFrame((f) => f.event === 'ev', 'ev');
    expect(frame.data).toBe('plain text');
  });
});
