/**
 * @module e2e/executable
 * The single-file executable (`npm run build:exe`, Bun's `--compile`): built once, then run as a
 * user would. `serve` answers on Bun's native transport, an SDK trigger and the executable's own
 * `trigger` reach a real `ws` client, `channels` lists the channel, SIGTERM closes it cleanly,
 * and two executables sharing a real redis-server (the compose topology) deliver across nodes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  cleanEnv,
  pushwireSdk,
  redisServerForTest,
  spawnCollecting,
  waitUntil,
} from '@pushwire/test-support';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD_TIMEOUT_MS = 120_000;
const run = promisify(execFile);

const scratch = mkdtempSync(join(tmpdir(), 'pushwire-exe-'));
const EXE = join(scratch, 'pushwire');
const { version } = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as {
  version: string;
};

beforeAll(async () => {
  await run(process.execPath, [join(ROOT, 'scripts/build-exe.mjs'), '--outfile', EXE], {
    cwd: ROOT,
  });
}, BUILD_TIMEOUT_MS);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Node {
  readonly port: number;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly stop: () => Promise<number | null>;
}

/** `pushwire serve --port 0` from the executable; resolves once it says where it listens. */
async function serve(env: Record<string, string> = {}): Promise<Node> {
  const { child, output, stop } = spawnCollecting(EXE, ['serve', '--port', '0'], {
    env: cleanEnv(env),
  });
  onTestFinished(async () => {
    await stop();
  });
  const port = await waitUntil(() => {
    const { stdout, stderr } = output();
    if (child.exitCode !== null) throw new Error(`serve exited early:\n${stdout}\n${stderr}`);
    const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  }, 'the executable to print where it listens');
  return {
    port,
    stdout: () => output().stdout,
    stderr: () => output().stderr,
    stop: () => stop(),
  };
}

/** A raw WebSocket client subscribed to `channel`; `next(event)` waits for that event's frame. */
async function subscriber(port: number, channel: string) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/app/app-key?protocol=7`);
  onTestFinished(() => socket.terminate());
  const frames: Record<string, unknown>[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  const next = (event: string) =>
    waitUntil(() => {
      const index = frames.findIndex((frame) => frame['event'] === event);
      return index < 0 ? undefined : frames.splice(index, 1)[0];
    }, `a ${event} frame`);
  await next('pusher:connection_established');
  socket.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel } }));
  await next('pusher_internal:subscription_succeeded');
  return { next };
}

const APP = { id: 'app-id', key: 'app-key', secret: 'app-secret' };

describe('the single-file executable', () => {
  it('prints the CLI version', async () => {
    const { stdout } = await run(EXE, ['--version'], { env: cleanEnv() });
    expect(stdout.trim()).toBe(version);
  });

  it('serves on Bun: SDK and CLI triggers reach a WebSocket client, channels lists it', async () => {
    const node = await serve();
    await waitUntil(() => node.stderr().includes('"transport":"bun"'), 'the startup log line');
    const health = await fetch(`http://127.0.0.1:${node.port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, draining: false, adapter: { ok: true } });

    const client = await subscriber(node.port, 'smoke');
    await pushwireSdk(node.port, APP).trigger('smoke', 'from-sdk', { n: 1 });
    expect(await client.next('from-sdk')).toEqual({
      event: 'from-sdk',
      channel: 'smoke',
      data: '{"n":1}',
    });

    const url = `http://app-key:app-secret@127.0.0.1:${node.port}/apps/app-id`;
    const env = cleanEnv({ PUSHER_URL: url });
    await run(EXE, ['trigger', 'smoke', 'from-cli', '{"n":2}'], { env });
    expect(await client.next('from-cli')).toEqual({
      event: 'from-cli',
      channel: 'smoke',
      data: '{"n":2}',
    });
    const channels = await run(EXE, ['channels', '--json'], { env });
    expect(JSON.parse(channels.stdout)).toMatchObject({ channels: { smoke: {} } });

    expect(await node.stop()).toBe(0);
    expect(node.stdout()).toContain('Server closed.');
  });

  it('two executables sharing Redis deliver an event from one node to the other', async () => {
    const redisUrl = (await redisServerForTest()).url;
    const env = { PUSHWIRE_REDIS_URL: redisUrl, PUSHWIRE_REDIS_KEY_PREFIX: 'exe-test:' };
    const [first, second] = await Promise.all([serve(env), serve(env)]);
    const client = await subscriber(second.port, 'across');
    await pushwireSdk(first.port, APP).trigger('across', 'hop', 'hello');
    expect(await client.next('hop')).toEqual({ event: 'hop', channel: 'across', data: 'hello' });
  });
});
