/**
 * `pushwire serve --config FILE` as a child process re-reading its apps without a restart: on
 * SIGHUP, when the file is saved in place or replaced (as editors do), never when watching is off,
 * and keeping the old apps (without printing a secret) when the new file is invalid or names no
 * apps (never the public development app).
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { startServe, waitForOutput } from './helpers/serve-process';
import { triggerStatus } from './helpers/trigger-status';

interface TestApp {
  readonly id: string;
  readonly key: string;
  readonly secret: string;
}

const APP_A: TestApp = { id: 'a', key: 'key-a', secret: 'secret-aaaa' };
const APP_B: TestApp = { id: 'b', key: 'key-b', secret: 'secret-bbbb' };

function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pushwire-apps-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function writeApps(path: string, apps: readonly TestApp[] | string): void {
  writeFileSync(path, typeof apps === 'string' ? apps : JSON.stringify({ apps }));
}

/** A connected WebSocket to `key`; `closed` resolves with its close code. */
async function openSocket(
  port: number,
  key: string,
): Promise<{ readonly closed: Promise<{ code: number }> }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/app/${key}?protocol=7`);
  onTestFinished(() => socket.terminate());
  const closed = new Promise<{ code: number }>((resolve) =>
    socket.on('close', (code) => resolve({ code })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      if (String(data).includes('pusher:connection_established')) resolve();
    });
    socket.once('error', reject);
  });
  return { closed };
}

describe('pushwire serve: apps without a restart', () => {
  it('re-reads the apps on SIGHUP: added served, removed closed with 4001', async () => {
    const path = join(configDir(), 'pushwire.json');
    writeApps(path, [APP_A]);
    const serve = await startServe(['--config', path, '--no-watch-config']);
    onTestFinished(() => serve.stop().then(() => undefined));
    const socketA = await openSocket(serve.port, APP_A.key);
    expect(await triggerStatus(serve.port, APP_B)).toBe(404);

    writeApps(path, [APP_B]);
    serve.child.kill('SIGHUP');
    await waitForOutput(serve.output, 'Received SIGHUP: apps reloaded (added b; removed a).');

    expect(await triggerStatus(serve.port, APP_B)).toBe(200);
    expect(await triggerStatus(serve.port, APP_A)).toBe(404);
    expect((await socketA.closed).code).toBe(4001);

    serve.child.kill('SIGHUP');
    await waitForOutput(serve.output, 'Received SIGHUP: apps reloaded (no change).');
  });

  it('re-reads the apps when the file is saved in place or replaced by a rename', async () => {
    const dir = configDir();
    const path = join(dir, 'pushwire.json');
    writeApps(path, [APP_A]);
    const serve = await startServe(['--config', path]);
    onTestFinished(() => serve.stop().then(() => undefined));

    writeApps(path, [APP_A, APP_B]);
    await waitForOutput(serve.output, 'Config file changed: apps reloaded (added b).');
    expect(await triggerStatus(serve.port, APP_B)).toBe(200);

    const rotated = { ...APP_A, secret: 'secret-rotated' };
    const next = join(dir, 'pushwire.json.tmp');
    writeApps(next, [rotated, APP_B]);
    renameSync(next, path);
    await waitForOutput(serve.output, 'Config file changed: apps reloaded (changed a).');
    expect(await triggerStatus(serve.port, APP_A)).toBe(401);
    expect(await triggerStatus(serve.port, rotated)).toBe(200);
  });

  it('keeps the old apps when the new file is invalid, and prints no secret', async () => {
    const path = join(configDir(), 'pushwire.json');
    writeApps(path, [APP_A]);
    const serve = await startServe(['--config', path, '--no-watch-config']);
    onTestFinished(() => serve.stop().then(() => undefined));

    writeApps(path, [APP_A, { ...APP_B, key: APP_A.key, secret: 'leaked-secret-value' }]);
    serve.child.kill('SIGHUP');
    await waitForOutput(serve.output, 'apps NOT reloaded (still serving the previous ones)');
    await waitForOutput(serve.output, '"apps[1].key"');
    writeApps(path, '{"apps": [{"id": "a", "key": "key-a", "secret": "leaked-secret-value"');
    serve.child.kill('SIGHUP');
    await waitForOutput(serve.output, 'invalid JSON');

    const { stdout, stderr } = serve.output();
    expect(stdout + stderr).not.toContain('leaked-secret-value');
    expect(await triggerStatus(serve.port, APP_A)).toBe(200);
    expect(await serve.stop()).toBe(0);
  });

  it('never swaps the public development app in when the file names no apps any more', async () => {
    const path = join(configDir(), 'pushwire.json');
    writeApps(path, [APP_A]);
    const serve = await startServe(['--config', path, '--no-watch-config']);
    onTestFinished(() => serve.stop().then(() => undefined));

    writeApps(path, '{"activityTimeoutSec": 60}');
    serve.child.kill('SIGHUP');
    await waitForOutput(serve.output, 'apps NOT reloaded (still serving the previous ones)');
    await waitForOutput(serve.output, 'the configuration names no apps');
    expect(await triggerStatus(serve.port, APP_A)).toBe(200);
    const development = { id: 'app-id', key: 'app-key', secret: 'app-secret' };
    expect(await triggerStatus(serve.port, development)).toBe(404);
    expect(await serve.stop()).toBe(0);
  });
});
