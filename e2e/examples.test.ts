/**
 * @module e2e/examples
 * The runnable examples run as users run them (plain Node over the built packages):
 * `examples/demo.mjs` completes its round trip, and `examples/express-auth.mjs` answers channel
 * auth, user auth and webhooks correctly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { channelAuthSignature, hmacSha256Hex, userAuthSignature } from '@pushwire/sdk';
import { createServer } from '@pushwire/server';
import { waitFor, waitUntil } from '@pushwire/test-support';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const APP = { key: 'app-key', secret: 'app-secret' };

beforeAll(() => {
  for (const dist of ['packages/sdk/dist/index.js', 'packages/server/dist/index.js']) {
    if (!existsSync(`${ROOT}${dist}`)) {
      throw new Error(`${dist} is missing: the examples run the built packages (npm run build)`);
    }
  }
});

function runExample(
  script: string,
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [`${ROOT}examples/${script}`], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => output };
}

describe('examples', () => {
  it('demo.mjs completes the round trip and exits 0', async () => {
    const demo = runExample('demo.mjs');
    const code = await waitFor<number | null>(
      'demo.mjs to exit',
      (resolve) => demo.child.on('exit', (exitCode) => resolve(exitCode)),
      25_000,
    );
    expect({ code, output: demo.output() }).toMatchObject({ code: 0 });
    expect(demo.output()).toContain('Round trip complete.');
  }, 30_000);

  it('express-auth.mjs signs channel and user auth, checks webhooks and triggers', async () => {
    const server = createServer({ port: 0, logLevel: 'silent' });
    const { port } = await server.listen();
    onTestFinished(() => server.close());
    const example = runExample('express-auth.mjs', {
      PORT: '0',
      PUSHER_URL: `http://${APP.key}:${APP.secret}@127.0.0.1:${port}/apps/app-id`,
    });
    const base = await waitUntil(() => {
      const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(example.output());
      return match?.[1];
    }, 'express-auth.mjs to listen');
    const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });

    const privateAuth = await fetch(
      `${base}/pusher/auth`,
      form({ socket_id: '1.2', channel_name: 'private-a' }),
    );
    expect(await privateAuth.json()).toEqual({
      auth: channelAuthSignature({ ...APP, socketId: '1.2', channel: 'private-a' }),
    });

    const anonymous = await fetch(
      `${base}/pusher/auth`,
      form({ socket_id: '1.2', channel_name: 'presence-a' }),
    );
    expect(anonymous.status).toBe(403);
    const presence = (await (
      await fetch(
        `${base}/pusher/auth`,
        form({ socket_id: '1.2', channel_name: 'presence-a' }, { 'x-user-id': '7' }),
      )
    ).json()) as { auth: string; channel_data: string };
    expect(presence.auth).toBe(
      channelAuthSignature({
        ...APP,
        socketId: '1.2',
        channel: 'presence-a',
        channelData: presence.channel_data,
      }),
    );
    const badSocket = await fetch(
      `${base}/pusher/auth`,
      form({ socket_id: 'nope', channel_name: 'private-a' }),
    );
    expect(badSocket.status).toBe(400);

    const user = (await (
      await fetch(`${base}/pusher/user-auth`, form({ socket_id: '1.2' }, { 'x-user-id': '7' }))
    ).json()) as { auth: string; user_data: string };
    expect(user.auth).toBe(
      userAuthSignature({ ...APP, socketId: '1.2', userData: user.user_data }),
    );

    const body = JSON.stringify({
      time_ms: Date.now(),
      events: [{ name: 'channel_occupied', channel: 'x' }],
    });
    const signed = await fetch(`${base}/pusher/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-pusher-key': APP.key,
        'x-pusher-signature': hmacSha256Hex(APP.secret, body),
      },
      body,
    });
    expect(signed.status).toBe(200);
    const forged = await fetch(`${base}/pusher/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-pusher-key': APP.key,
        'x-pusher-signature': hmacSha256Hex('wrong', body),
      },
      body,
    });
    expect(forged.status).toBe(401);

    const notify = await fetch(`${base}/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'news', data: { hello: 1 } }),
    });
    expect(notify.status).toBe(200);
    expect(await notify.json()).toEqual({});
  });
});
