/**
 * `pushwire tail` against real `pushwire serve` processes: it prints an event triggered through the
 * CLI as one line (and as JSON with --json), filters by channel and event, shows subscriptions of
 * a real client, and with `--console` on a configured app it signs with the app's credentials; a
 * wrong secret is a 401 that never echoes it, a server without a console a clear 404.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv } from '@pushwire/test-support';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { BIN, runCli } from './helpers/built-bin';
import { connectRawSubscriber } from './helpers/raw-subscriber';
import { runMain } from './helpers/run-main';
import { type ServeProcess, startServe } from './helpers/serve-process';

const WAIT_MS = 15_000;

let serve: ServeProcess;

beforeAll(async () => {
  serve = await startServe();
}, 120_000);

afterAll(async () => {
  await serve?.stop();
});

interface Tail {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout has a line matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
}

/** Spawns `pushwire tail ...args` and waits until it is watching. */
async function startTail(args: readonly string[], env: Record<string, string> = {}): Promise<Tail> {
  const child = spawn(process.execPath, [BIN, 'tail', ...args], {
    env: { ...cleanEnv(), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const listener of listeners) listener();
  });
  const until = (check: () => string | undefined, what: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`tail: no ${what} in time\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, WAIT_MS);
      const listener = () => {
        const found = check();
        if (found === undefined) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve(found);
      };
      listeners.add(listener);
      listener();
    });
  const tail: Tail = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    line: (pattern) =>
      until(() => stdout.split('\n').find((line) => pattern.test(line)), `line ${pattern}`),
  };
  await until(() => (stderr.includes('Watching') ? 'ok' : undefined), 'banner');
  return tail;
}

describe('pushwire tail', () => {
  it('prints subscriptions and events of the development app', async () => {
    expect(serve.output().stdout).toContain(
      `Debug console: http://127.0.0.1:${serve.port}/console   (in a terminal: `,
    );
    const target = ['--port', String(serve.port)];
    const tail = await startTail(target);
    const subscriber = await connectRawSubscriber(serve.port);
    onTestFinished(() => subscriber.close());
    await subscriber.subscribe('tail-news');
    await tail.line(/subscribed\s+tail-news\s+socket=/);
    const triggered = await runMain([
      'trigger',
      'tail-news',
      'headline',
      '{"title":"hi"}',
      ...target,
    ]);
    expect(triggered.code).toBe(0);
    const line = await tail.line(/api event\s+tail-news\s+headline/);
    expect(line).toContain('data={"title":"hi"}');
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} /);
  });

  it('filters by channel and event, and prints JSON lines with --json', async () => {
    const target = ['--port', String(serve.port)];
    const tail = await startTail([...target, '--json', '--channel', 'only-*', '--event', 'keep']);
    await runMain(['trigger', 'other', 'keep', '{}', ...target]);
    await runMain(['trigger', 'only-this', 'drop', '{}', ...target]);
    await runMain(['trigger', 'only-this', 'keep', '{"n":1}', ...target]);
    const line = await tail.line(/"kind":"api_event"/);
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(entry).toMatchObject({
      appId: 'app-id',
      kind: 'api_event',
      channel: 'only-this',
      event: 'keep',
      data: '{"n":1}',
    });
    expect(tail.stdout().trim().split('\n')).toHaveLength(1);
  });

  it('signs with configured credentials; a wrong secret is refused without echoing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushwire-tail-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const config = join(dir, 'pushwire.json');
    const app = { id: 'tail-app', key: 'tail-key', secret: 'tail-secret-0123456789' };
    writeFileSync(config, JSON.stringify({ apps: [app] }));

    const closed = await startServe(['--config', config]);
    onTestFinished(async () => {
      await closed.stop();
    });
    const refused = await runCli([
      'tail',
      '--port',
      String(closed.port),
      '--app-id',
      app.id,
      '--key',
      app.key,
      '--secret',
      app.secret,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/404.*PUSHWIRE_CONSOLE=true/s);
    expect(closed.output().stdout).not.toContain('Debug console');

    const open = await startServe(['--config', config, '--console']);
    onTestFinished(async () => {
      await open.stop();
    });
    expect(open.output().stdout).toContain(`Debug console: http://127.0.0.1:${open.port}/console`);
    const env = {
      PUSHER_APP_ID: app.id,
      PUSHER_APP_KEY: app.key,
      PUSHER_HOST: '127.0.0.1',
      PUSHER_PORT: String(open.port),
    };
    const wrong = await runCli(['tail'], {
      env: { ...env, PUSHER_APP_SECRET: 'wrong-secret-value' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('401');
    expect(wrong.stderr).not.toContain('wrong-secret-value');

    const tail = await startTail([], { ...env, PUSHER_APP_SECRET: app.secret });
    const triggered = await runMain(['trigger', 'conf-news', 'ping', '{}'], {
      env: { ...env, PUSHER_APP_SECRET: app.secret },
    });
    expect(triggered.code).toBe(0);
    await tail.line(/api event\s+conf-news\s+ping/);
  }, 60_000);
});
