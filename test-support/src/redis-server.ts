/**
 * @module test-support/redis-server
 * Starts a private `redis-server` for a test on a free port (no persistence), waits until it answers
 * PING, and can stop and start it again on the same port to simulate a Redis restart. A missing
 * `redis-server` binary is a test failure with instructions, never a skip.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { killAndWait } from './child-process';
import { freePort } from './ports';

const READY_TIMEOUT_MS = 10_000;
const PING_RETRY_MS = 25;

export interface RedisServerHandle {
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL: like a crash, nothing is saved). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Stops it for good; idempotent. */
  close(): Promise<void>;
}

function requireRedisServerBinary(): void {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'redis-server is not on PATH: the Redis adapter tests need a real Redis. ' +
        'Install it (e.g. `apt-get install -y redis-server` or `brew install redis`) and rerun.',
    );
  }
}

/** Resolves when a raw PING gets +PONG. */
async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
  });
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, PING_RETRY_MS));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms`);
}

function spawnRedis(port: number): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
}

export async function startRedisServer(): Promise<RedisServerHandle> {
  requireRedisServerBinary();
  const port = await freePort();
  let child: ChildProcess | undefined = spawnRedis(port);
  await waitForPing(port, child);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await killAndWait(child);
      child = undefined;
    },
    async restart() {
      await killAndWait(child);
      child = spawnRedis(port);
      await waitForPing(port, child);
    },
    async close() {
      await killAndWait(child);
      child = undefined;
    },
  };
}

/** A redis-server of the running test's own, closed when the test ends. */
export async function redisServerForTest(): Promise<RedisServerHandle> {
  const redis = await startRedisServer();
  onTestFinished(() => redis.close());
  return redis;
}

/**
 * One redis-server for the whole test file: started before its first test, stopped after its
 * last. Returns the function that gives its URL (it throws when the server did not start).
 */
export function useRedisServer(): () => string {
  let redis: RedisServerHandle | undefined;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.close();
  });
  return () => {
    if (!redis) throw new Error('redis-server did not start (see the beforeAll error)');
    return redis.url;
  };
}
