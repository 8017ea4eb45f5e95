/**
 * @module bench/lib/redis
 * Private Redis servers for the benchmarks: one redis-server, or a 3-master Redis Cluster
 * (`cluster-enabled yes`, joined with `redis-cli --cluster create`), each on free ports with no
 * persistence; and the per-server figures a benchmark reads around a measured phase (commands
 * by name, CPU seconds). Needs `redis-server` and `redis-cli` (Redis 7) on PATH.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 20_000;

async function freePort() {
  for (;;) {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address();
    server.close();
    await once(server, 'close');
    if (port + 10_000 <= 65_535) return port; // room for a cluster bus port
  }
}

async function cli(port, ...args) {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    timeout: 5000,
  });
  return stdout;
}

async function until(condition, what) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} not within ${READY_TIMEOUT_MS} ms`);
}

function spawnRedis(port, extra) {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra],
    { stdio: 'ignore' },
  );
  child.on('error', () => {
    console.error('redis-server is not on PATH: install Redis 7 to run this benchmark');
    process.exit(1);
  });
  return child;
}

/** One redis-server: `{ url, ports, stop() }`. */
export async function startRedis() {
  const port = await freePort();
  const child = spawnRedis(port, []);
  await until(async () => (await cli(port, 'PING')).trim() === 'PONG', 'redis-server PING');
  return { url: `redis://127.0.0.1:${port}`, ports: [port], stop: () => child.kill('SIGKILL') };
}

/** A 3-master Redis Cluster: `{ url (redis+cluster://…), ports, stop() }`. */
export async function startRedisCluster(masters = 3) {
  const root = mkdtempSync(join(tmpdir(), 'pushwire-bench-cluster-'));
  const ports = [];
  const children = [];
  const stop = () => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  };
  try {
    while (ports.length < masters) {
      const port = await freePort();
      if (ports.includes(port)) continue;
      ports.push(port);
      const dir = join(root, String(port));
      mkdirSync(dir);
      children.push(
        spawnRedis(port, [
          '--dir',
          dir,
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
        ]),
      );
    }
    for (const port of ports) {
      await until(async () => (await cli(port, 'PING')).trim() === 'PONG', 'cluster node PING');
    }
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: READY_TIMEOUT_MS },
    );
    await until(async () => {
      for (const port of ports) {
        if (!(await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
      }
      return true;
    }, 'cluster_state:ok');
  } catch (error) {
    stop();
    throw error;
  }
  return {
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports,
    stop,
  };
}

/**
 * The figures of one Redis server now: `{ cpuSec, calls: { publish, spublish, evalsha, … } }`
 * (CPU of the main process, user + system; command calls since start).
 */
export async function redisFigures(port) {
  const cpu = await cli(port, 'INFO', 'cpu');
  const stats = await cli(port, 'INFO', 'commandstats');
  const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  const calls = {};
  for (const match of stats.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    calls[match[1]] = Number(match[2]);
  }
  return { cpuSec: field('used_cpu_sys') + field('used_cpu_user'), calls };
}
