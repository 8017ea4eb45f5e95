/**
 * `pushwire apps add|list|update|remove` against a real redis-server, with two `pushwire serve
 * --redis-url` nodes (child processes of the built CLI) that serve an added app without a restart,
 * follow a rotated secret and close a removed app's connections with 4001. Secrets are printed
 * once, at creation or rotation, never by `list` nor in an error.
 */
import { randomBytes } from 'node:crypto';
import { useRedisServer, waitUntil } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { runCli } from './helpers/built-bin';
import { startServe } from './helpers/serve-process';
import { triggerStatus } from './helpers/trigger-status';

const redisUrl = useRedisServer();

interface Credentials {
  readonly id: string;
  readonly key: string;
  readonly secret: string;
}

/** Polls `check` until it holds (the nodes follow the store through pub/sub). */
const eventually = (check: () => Promise<boolean>) =>
  waitUntil(check, 'the serve nodes to follow the store', 10_000);

describe('pushwire apps', () => {
  it('adds an app that two serve nodes serve at once; rotates, lists and removes it', async () => {
    const prefix = `cli-${randomBytes(4).toString('hex')}:`;
    const env = { PUSHWIRE_REDIS_URL: redisUrl(), PUSHWIRE_REDIS_KEY_PREFIX: prefix };
    const nodes = [await startServe([], env), await startServe([], env)];
    for (const node of nodes) onTestFinished(() => node.stop().then(() => undefined));

    const added = await runCli(['apps', 'add', 'tenant-1', '--name', 'Tenant one', '--json'], {
      env,
    });
    expect(added.code).toBe(0);
    const created = JSON.parse(added.stdout) as Credentials;
    expect(created.id).toBe('tenant-1');
    expect(created.key).toMatch(/^[0-9a-f]{20}$/);
    expect(created.secret).toMatch(/^[0-9a-f]{40}$/);
    for (const node of nodes) {
      await eventually(async () => (await triggerStatus(node.port, created)) === 200);
    }

    const socket = new WebSocket(`ws://127.0.0.1:${nodes[1]?.port}/app/${created.key}?protocol=7`);
    onTestFinished(() => socket.terminate());
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        if (String(data).includes('connection_established')) resolve();
      }),
    );

    const late = await startServe([], env);
    onTestFinished(() => late.stop().then(() => undefined));
    await eventually(async () =>
      late
        .output()
        .stdout.includes('Also serving 1 app of the Redis app store (pushwire apps list).'),
    );

    const listed = await runCli(['apps', 'list'], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe(`tenant-1  key ${created.key}\n`);
    const listedJson = await runCli(['apps', 'list', '--json'], { env });
    expect(JSON.parse(listedJson.stdout)).toEqual([
      { id: 'tenant-1', key: created.key, name: 'Tenant one', enabled: true },
    ]);
    expect(listed.stdout + listedJson.stdout).not.toContain(created.secret);

    const rotatedRun = await runCli(['apps', 'update', 'tenant-1', '--rotate-secret'], { env });
    expect(rotatedRun.code).toBe(0);
    const secret = /secret {2}([0-9a-f]{40})/.exec(rotatedRun.stdout)?.[1] ?? '';
    expect(secret).not.toBe(created.secret);
    expect(rotatedRun.stdout).toContain('The secret is shown this once');
    const rotated = { ...created, secret };
    await eventually(async () => (await triggerStatus(nodes[0]?.port ?? 0, rotated)) === 200);
    expect(await triggerStatus(nodes[0]?.port ?? 0, created)).toBe(401);

    const renamed = await runCli(['apps', 'update', 'tenant-1', '--name', 'Tenant 1'], { env });
    expect(renamed.code).toBe(0);
    expect(renamed.stdout).not.toContain(secret);

    const removed = await runCli(['apps', 'remove', 'tenant-1'], { env });
    expect(removed.code).toBe(0);
    expect(await closed).toBe(4001);
    await eventually(async () => (await triggerStatus(nodes[0]?.port ?? 0, rotated)) === 404);

    for (const node of nodes) {
      const { stdout, stderr } = node.output();
      expect(stdout + stderr).not.toContain(created.secret);
      expect(stdout + stderr).not.toContain(secret);
    }
  });

  it('takes a secret from stdin and answers clear errors', async () => {
    const prefix = `cli-${randomBytes(4).toString('hex')}:`;
    const env = { PUSHWIRE_REDIS_URL: redisUrl(), PUSHWIRE_REDIS_KEY_PREFIX: prefix };
    const add = (args: string[], stdin?: string) =>
      runCli(['apps', 'add', ...args], { env, ...(stdin === undefined ? {} : { stdin }) });

    const given = await add(['a1', '--key', 'key-a1', '--secret-stdin'], 'my-own-secret\n');
    expect(given.code).toBe(0);
    expect(given.stdout).toContain('  key     key-a1\n');
    // A secret the operator gave is never echoed (only a generated one is shown, once).
    expect(given.stdout).not.toContain('my-own-secret');

    const again = await add(['a1', '--secret-stdin'], 'another-secret-value');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('pushwire: StoredAppError: App a1 already exists in the app store\n');

    const sameKey = await add(['a2', '--key', 'key-a1']);
    expect(sameKey.stderr).toBe(
      'pushwire: StoredAppError: The key of app a2 is used by stored app a1\n',
    );

    const badLimit = await add(['a3', '--options', '{"limits": {"maxConnections": "x"}}']);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain('"app.limits.maxConnections": must be an integer');

    const missing = await runCli(['apps', 'update', 'ghost', '--rotate-secret'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no app "ghost" in the Redis app store');

    const noUrl = await runCli(['apps', 'list']);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('needs --redis-url URL (or PUSHWIRE_REDIS_URL)');

    const unreachable = await runCli([
      'apps',
      'list',
      '--redis-url',
      'redis://user:pa55word@127.0.0.1:1',
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('Could not connect to Redis');
    expect(unreachable.stderr).not.toContain('pa55word');

    const wrongFlag = await runCli(['apps', 'list', '--rotate-secret'], { env });
    expect(wrongFlag.code).toBe(2);
    expect(wrongFlag.stderr).toContain('--rotate-secret does not apply to "apps list"');
  });
});
