/**
 * @module bench/lib/targets
 * The servers the connection-cost benchmark compares, and how to start one: each in its own
 * process (directly, so its pid is the server's own, after raising the file limit in a shell that
 * `exec`s it), with a control channel on stdin/stdout (control.mjs) and a way to publish events:
 * a REST trigger through @pushwire/sdk for the real servers, a `broadcast` control request for
 * the bare ones.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { controlClient } from './control.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const APP = { appId: 'app-id', key: 'app-key', secret: 'app-secret' };
const TRIGGER_CONCURRENCY = 4;
const START_TIMEOUT_MS = 30_000;

/** The Bun executable: $BUN_BIN, the repo's runtime-tests install, or `bun` on PATH; or undefined. */
export function findBun() {
  const candidates = [process.env.BUN_BIN, here('../../runtime-tests/node_modules/.bin/bun')];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  try {
    return execFileSync('sh', ['-c', 'command -v bun'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every target, `bare` naming the bare server of the same runtime. `command(port)` gives the
 * argv; `publish` is 'rest' (SDK trigger) or 'control' (broadcast request).
 */
export function defineTargets({ bun, soketiScript }) {
  const node = process.execPath;
  const targets = [
    {
      name: 'pushwire (Node)',
      runtime: 'node',
      bare: 'bare ws (Node)',
      publish: 'rest',
      argv: () => [node, '--expose-gc', here('./servers/pushwire.mjs')],
    },
    {
      name: 'bare ws (Node)',
      runtime: 'node',
      publish: 'control',
      argv: () => [node, '--expose-gc', here('./servers/bare-ws.mjs')],
    },
  ];
  if (bun) {
    targets.push(
      {
        name: 'pushwire (Bun)',
        runtime: 'bun',
        bare: 'bare Bun.serve',
        publish: 'rest',
        argv: () => [bun, here('./servers/pushwire.mjs')],
      },
      {
        name: 'bare Bun.serve',
        runtime: 'bun',
        publish: 'control',
        topicPublish: true,
        argv: () => [bun, here('./servers/bare-bun.mjs')],
      },
    );
  }
  if (soketiScript) {
    targets.push({
      name: 'soketi 1.6.1',
      runtime: 'node',
      publish: 'rest',
      fixedPort: true,
      argv: () => [
        node,
        '--expose-gc',
        '--import',
        here('./servers/control-only.mjs'),
        soketiScript,
        'start',
      ],
    });
  }
  return targets;
}

/** A free TCP port on 127.0.0.1 (for servers that take a fixed port, like soketi). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHttp(port, child) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error('did not start listening in time');
}

/**
 * Start `target` with at most `fileLimit` open files (or the hard limit, if lower); resolve with
 * `{ pid, port, control, publish(datas, options), stop() }`.
 */
export async function startTarget(target, { fileLimit, channel, event }) {
  const [command, ...args] = target.argv();
  const env = { ...process.env };
  let port;
  if (target.fixedPort) {
    port = await freePort();
    Object.assign(env, {
      SOKETI_PORT: String(port),
      SOKETI_METRICS_SERVER_PORT: String(await freePort()),
      SOKETI_DEFAULT_APP_ID: APP.appId,
      SOKETI_DEFAULT_APP_KEY: APP.key,
      SOKETI_DEFAULT_APP_SECRET: APP.secret,
      SOKETI_DEBUG: '0',
    });
  }
  const raise = 'ulimit -n "$0" 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"';
  const child = spawn('sh', ['-c', raise, String(fileLimit), command, ...args], {
    env,
    stdio: ['pipe', 'pipe', process.env.BENCH_VERBOSE ? 'inherit' : 'ignore'],
  });
  const control = controlClient(child);
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  try {
    if (target.fixedPort) await waitForHttp(port, child);
    else
      port = await Promise.race([
        control.listening,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('did not start in time')), START_TIMEOUT_MS),
        ),
      ]);
  } catch (error) {
    await stop();
    throw new Error(`${target.name}: ${error.message}`);
  }

  let publish;
  if (target.publish === 'control') {
    publish = (datas, { topic = false } = {}) =>
      control.call('broadcast', { channel, event, events: datas, topic });
  } else {
    const { Pusher } = await import(here('../../packages/sdk/dist/index.js'));
    const sdk = new Pusher({ ...APP, host: '127.0.0.1', port, useTLS: false });
    publish = async (datas) => {
      let next = 0;
      const worker = async () => {
        while (next < datas.length) await sdk.trigger(channel, event, datas[next++]);
      };
      await Promise.all(
        Array.from({ length: Math.min(TRIGGER_CONCURRENCY, datas.length) }, worker),
      );
    };
  }
  return { pid: child.pid, port, control, publish, stop };
}
