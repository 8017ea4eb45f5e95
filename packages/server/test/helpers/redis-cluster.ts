/**
 * @module test/helpers/redis-cluster
 * Starts a private 3-master Redis Cluster for a test file: three `redis-server` processes with
 * `cluster-enabled yes` on free ports, each in its own directory under a temporary one, joined by
 * `redis-cli --cluster create … --cluster-replicas 0`, ready once every node reports
 * `cluster_state:ok`. One master can be stopped and started again on the same port and directory
 * (it comes back with its node id and slots). A missing `redis-server` or `redis-cli` is a test
 * failure with instructions, never a skip.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { killAndWait, waitUntil } from '@pushwire/test-support';
import { afterAll, beforeAll } from 'vitest';

const MASTERS = 3;
const READY_TIMEOUT_MS = 20_000;
const run = promisify(execFile);

export interface RedisClusterHandle {
  readonly ports: readonly number[];
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`, the adapter's cluster URL. */
  readonly url: string;
  /** SIGKILLs master `index` (0-2) and starts it again on its port and directory. */
  restartMaster(index: number): Promise<void>;
  /** SIGKILLs master `index` (0-2); it stays down. */
  stopMaster(index: number): Promise<void>;
  /** Starts a stopped master `index` again and waits for `cluster_state:ok`. */
  startMaster(index: number): Promise<void>;
  /** The port of the master serving `key`'s slot. */
  masterPortOf(key: string): Promise<number>;
  /** Stops every node and removes the directory; idempotent. */
  close(): Promise<void>;
}

function requireBinaries(): void {
  for (const binary of ['redis-server', 'redis-cli']) {
    try {
      execFileSync(binary, ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error(
        `${binary} is not on PATH: the Redis Cluster tests need a real Redis 7. ` +
          'Install it (e.g. `apt-get install -y redis-server redis-tools` or `brew install redis`) ' +
          'and rerun.',
      );
    }
  }
}

/** Listens on `port` (0: any) and closes again; resolves with the port, or undefined if taken. */
async function tryPort(port: number): Promise<number | undefined> {
  const server = createServer();
  const listening = once(server, 'listening').then(() => true);
  const failed = once(server, 'error').then(() => false);
  server.listen(port, '127.0.0.1');
  if (!(await Promise.race([listening, failed]))) return undefined;
  const address = server.address();
  server.close();
  await once(server, 'close');
  return address === null || typeof address === 'string' ? undefined : address.port;
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await tryPort(0);
    if (port !== undefined && port + 10_000 <= 65_535 && (await tryPort(port + 10_000))) {
      return port;
    }
  }
}

/** Polls `condition` (a failed command counts as not yet) until the cluster is ready for `what`. */
const pollUntil = (condition: () => Promise<boolean>, what: string) =>
  waitUntil(() => condition().catch(() => false), `redis cluster: ${what}`, READY_TIMEOUT_MS);

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    timeout: 5000,
  });
  return stdout;
}

function spawnNode(port: number, dir: string): ChildProcess {
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      '2000',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
}

/** Every master answers `cluster_state:ok`. */
async function clusterOk(ports: readonly number[]): Promise<boolean> {
  for (const port of ports) {
    if (!(await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
  }
  return true;
}

export async function startRedisCluster(): Promise<RedisClusterHandle> {
  requireBinaries();
  const root = mkdtempSync(join(tmpdir(), 'pushwire-redis-cluster-'));
  const ports: number[] = [];
  const children: (ChildProcess | undefined)[] = [];
  const dirs: string[] = [];
  const startNode = async (index: number) => {
    const port = ports[index] as number;
    const child = spawnNode(port, dirs[index] as string);
    children[index] = child;
    await pollUntil(async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      return (await cli(port, 'PING')).trim() === 'PONG';
    }, `node ${port} answering PING`);
  };
  const close = async () => {
    await Promise.all(children.map((child) => killAndWait(child)));
    children.fill(undefined);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < MASTERS; i++) {
      let port = await freeClusterPort();
      while (ports.includes(port)) port = await freeClusterPort();
      ports.push(port);
      const dir = join(root, String(port));
      mkdirSync(dir);
      dirs.push(dir);
    }
    await Promise.all(ports.map((_, index) => startNode(index)));
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: READY_TIMEOUT_MS },
    );
    await pollUntil(() => clusterOk(ports), 'cluster_state:ok on every node');
  } catch (error) {
    await close();
    throw error;
  }
  const stopMaster = async (index: number) => {
    await killAndWait(children[index]);
    children[index] = undefined;
  };
  const startMaster = async (index: number) => {
    await startNode(index);
    await pollUntil(() => clusterOk(ports), 'cluster_state:ok after the restart');
  };
  return {
    ports,
    url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`,
    stopMaster,
    startMaster,
    async restartMaster(index) {
      await stopMaster(index);
      await startMaster(index);
    },
    async masterPortOf(key) {
      const running = ports.find((_, index) => children[index] !== undefined) ?? 0;
      const slot = Number((await cli(running, 'CLUSTER', 'KEYSLOT', key)).trim());
      const nodes = await cli(running, 'CLUSTER', 'NODES');
      for (const line of nodes.split('\n')) {
        const fields = line.split(' ');
        const address = fields[1]?.split('@')[0] ?? '';
        for (const range of fields.slice(8)) {
          const [from, to = from] = range.split('-').map(Number);
          if (from !== undefined && to !== undefined && slot >= from && slot <= to) {
            return Number(address.split(':')[1]);
          }
        }
      }
      throw new Error(`no master serves slot ${slot}`);
    },
    close,
  };
}

/**
 * One Redis Cluster for the whole test file: started before its first test, stopped after its
 * last. Returns the function that gives its handle (it throws when the cluster did not start).
 */
export function useRedisCluster(): () => RedisClusterHandle {
  let cluster: RedisClusterHandle | undefined;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, READY_TIMEOUT_MS * 2);
  afterAll(async () => {
    await cluster?.close();
  });
  return () => {
    if (!cluster) throw new Error('the Redis Cluster did not start (see the beforeAll error)');
    return cluster;
  };
}
