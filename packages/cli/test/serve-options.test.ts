/**
 * @module test/serve-options
 * `pushwire serve` settings that reach the server: `--webhook-url` (repeatable, signed webhooks),
 * the `PUSHWIRE_*` environment, and `--redis-url` against a real redis-server.
 */
import { Pusher } from '@pushwire/sdk';
import { redisServerForTest, startWebhookReceiver, waitUntil } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { connectRawSubscriber } from './helpers/raw-subscriber';
import { runMain } from './helpers/run-main';
import { startServe } from './helpers/serve-process';

describe('pushwire serve settings', () => {
  it('sends every webhook to each --webhook-url, signed with the app key and secret', async () => {
    const first = await startWebhookReceiver();
    const second = await startWebhookReceiver();
    const serve = await startServe(['--webhook-url', first.url, '--webhook-url', second.url]);
    onTestFinished(async () => {
      await serve.stop();
    });
    const subscriber = await connectRawSubscriber(serve.port);
    onTestFinished(() => subscriber.close());
    await subscriber.subscribe('hooked');

    const sdk = new Pusher({ appId: 'app-id', key: 'app-key', secret: 'app-secret', host: 'x' });
    for (const receiver of [first, second]) {
      const hook = await waitUntil(
        () => receiver.received.find((candidate) => candidate.rawBody.includes('channel_occupied')),
        'channel_occupied',
      );
      const webhook = sdk.webhook({ headers: hook.headers, body: hook.rawBody });
      expect(webhook.isValid()).toBe(true);
      expect(webhook.events).toContainEqual({ name: 'channel_occupied', channel: 'hooked' });
    }
  });

  it('reads the default app from PUSHWIRE_* variables and does not print its secret', async () => {
    const env = {
      PUSHWIRE_APP_ID: 'env-app',
      PUSHWIRE_APP_KEY: 'env-key',
      PUSHWIRE_APP_SECRET: 'env-secret-not-printed',
      PUSHWIRE_LOG_LEVEL: 'silent',
    };
    const serve = await startServe([], env);
    onTestFinished(async () => {
      await serve.stop();
    });
    const { stdout, stderr } = serve.output();
    expect(stdout).toContain('app id: env-app   key: env-key');
    expect(stdout + stderr).not.toContain('env-secret-not-printed');

    const result = await runMain(['trigger', 'news', 'hello'], {
      env: {
        PUSHER_URL: `http://env-key:env-secret-not-printed@127.0.0.1:${serve.port}/apps/env-app`,
      },
    });
    expect(result).toMatchObject({ code: 0, stdout: 'Triggered "hello" on news\n' });
  });

  it('shares channels between two nodes with --redis-url', async () => {
    const redisUrl = (await redisServerForTest()).url;
    const nodeA = await startServe(['--redis-url', redisUrl, '--log-level', 'warn']);
    onTestFinished(async () => {
      await nodeA.stop();
    });
    const nodeB = await startServe(['--redis-url', redisUrl, '--log-level', 'warn']);
    onTestFinished(async () => {
      await nodeB.stop();
    });
    expect(nodeA.output().stdout).toContain('(Redis adapter)');

    const subscriber = await connectRawSubscriber(nodeA.port);
    onTestFinished(() => subscriber.close());
    await subscriber.subscribe('shared');
    const viaB = await runMain([
      'trigger',
      'shared',
      'across',
      '{"n":1}',
      '--port',
      String(nodeB.port),
    ]);
    expect(viaB.code).toBe(0);
    const frame = await subscriber.waitForFrame((f) => f.event === 'across', 'event via node B');
    expect(frame.data).toBe('{"n":1}');

    const channels = await runMain(['channels', '--json', '--port', String(nodeB.port)]);
    expect(JSON.parse(channels.stdout)).toEqual({ channels: { shared: {} } });
  });

  it('keeps its Redis keys under --redis-key-prefix, and two prefixes are two clusters', async () => {
    const redisUrl = (await redisServerForTest()).url;
    const blue = await startServe(['--redis-url', redisUrl, '--redis-key-prefix', 'blue:']);
    onTestFinished(async () => {
      await blue.stop();
    });
    const green = await startServe(['--redis-url', redisUrl, '--redis-key-prefix', 'green:']);
    onTestFinished(async () => {
      await green.stop();
    });
    const subscriber = await connectRawSubscriber(blue.port);
    onTestFinished(() => subscriber.close());
    await subscriber.subscribe('colours');
    const onBlue = await runMain(['channels', '--json', '--port', String(blue.port)]);
    expect(JSON.parse(onBlue.stdout)).toEqual({ channels: { colours: {} } });
    const onGreen = await runMain(['channels', '--json', '--port', String(green.port)]);
    expect(JSON.parse(onGreen.stdout)).toEqual({ channels: {} });
    const { default: Redis } = await import('ioredis');
    const redis = new Redis(redisUrl);
    onTestFinished(() => void redis.quit());
    const keys = await redis.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => !key.startsWith('blue:') && !key.startsWith('green:'))).toEqual([]);
    expect(keys.some((key) => key.startsWith('blue:'))).toBe(true);
  });

  it('says loudly on stderr that Redis is unreachable at start, and answers publishes with 503', async () => {
    const serve = await startServe(['--redis-url', 'redis://127.0.0.1:1']);
    onTestFinished(async () => {
      await serve.stop();
    });
    const deadline = Date.now() + 5_000;
    while (!serve.output().stderr.includes('started without redis') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(serve.output().stderr).toContain('redis adapter started without redis');
    const local = await runMain(['trigger', 'news', 'hello', '{}', '--port', String(serve.port)]);
    // Nothing could reach the other nodes: the API says so (503) rather than a silent 200.
    expect(local.code).toBe(1);
    expect(local.stderr).toContain('503');
  });

  it('--relaxed raises the limits on both sides; without it each side enforces Pusher limits', async () => {
    const relaxed = await startServe(['--relaxed', '--log-level', 'silent']);
    onTestFinished(async () => {
      await relaxed.stop();
    });
    const strict = await startServe(['--log-level', 'silent']);
    onTestFinished(async () => {
      await strict.stop();
    });
    const big = JSON.stringify({ text: 'x'.repeat(20_000) });
    const [accepted, refusedBySdk, refusedByServer] = await Promise.all([
      runMain(['trigger', 'big', 'ev', big, '--relaxed', '--port', String(relaxed.port)]),
      runMain(['trigger', 'big', 'ev', big, '--port', String(relaxed.port)]),
      runMain(['trigger', 'big', 'ev', big, '--relaxed', '--port', String(strict.port)]),
    ]);
    expect(accepted).toMatchObject({ code: 0, stdout: 'Triggered "ev" on big\n' });
    expect(refusedBySdk.code).toBe(2);
    expect(refusedBySdk.stderr).toContain('ValidationError');
    expect(refusedByServer.code).toBe(1);
    expect(refusedByServer.stderr).toContain('PayloadTooLargeError (413)');
  });
});
