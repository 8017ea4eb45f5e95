/**
 * @module bench/cluster-fanout
 * What scaling out over Redis costs, side by side on this machine: one event to N subscribers
 *  - single: all N on one node with the default in-process adapter (the baseline),
 *  - single+redis: all N on one node with the Redis adapter,
 *  - 2 nodes: N/2 on each of two nodes sharing a Redis, triggers through the first node.
 * Reports deliveries per second and trigger-to-delivery latency p50/p99, each as a ratio to the
 * baseline. Needs the built packages (`npm run build`) and `redis-server` on PATH. Each server runs
 * in its own process, the WebSocket clients in another. Prints results only; writes no file.
 */
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { exitWithParent, rpcClient, serveRpc } from './lib/rpc.mjs';
import { median, now, percentile } from './lib/stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const APP = { id: 'bench-app', key: 'bench-key', secret: 'bench-secret' };
const SUBSCRIBERS = 400;
const THROUGHPUT_EVENTS = 40;
const THROUGHPUT_ROUNDS = 3;
const LATENCY_EVENTS = 20;
const CHANNEL = 'bench-cluster';
const EVENT = 'fanout';
const STEP_TIMEOUT_MS = 30_000;

// ------------------------------------------------------------------------------------------
// Role: one server node.

async function runServer(redisUrl, keyPrefix) {
  const { createServer } = await import('@pushwire/server');
  let adapter;
  if (redisUrl) {
    const { RedisAdapter } = await import('@pushwire/server/adapters/redis');
    adapter = new RedisAdapter({ url: redisUrl, keyPrefix });
  }
  const server = createServer({
    port: 0,
    logLevel: 'error',
    relaxed: true,
    // Every subscriber comes from this machine: no per-address cap on a load generator.
    maxConnectionsPerIp: 0,
    apps: [APP],
    ...(adapter ? { adapter } : {}),
  });
  const { port } = await server.listen();
  exitWithParent();
  process.send({ listening: port });
}

// ------------------------------------------------------------------------------------------
// Role: the WebSocket clients, and the SDK that triggers.

async function runClients() {
  const { default: WebSocket } = await import('ws');
  const { Pusher } = await import('@pushwire/sdk');
  const sdkFor = (port) =>
    new Pusher({
      appId: APP.id,
      key: APP.key,
      secret: APP.secret,
      host: '127.0.0.1',
      port,
      useTLS: false,
    });
  let sockets = [];
  let expectation;

  function onFrame(text) {
    if (expectation === undefined || !text.includes(`"${EVENT}"`)) return;
    const received = now();
    if (expectation.received === 0) expectation.first = received;
    expectation.received += 1;
    if (expectation.latencies) {
      const frame = JSON.parse(text);
      expectation.latencies.push(received - JSON.parse(frame.data).sentAt);
    }
    if (expectation.received === expectation.total) {
      const done = expectation;
      expectation = undefined;
      done.resolve({ elapsedMs: received - done.first, latencies: done.latencies ?? [] });
    }
  }

  function open(port) {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(
        `ws://127.0.0.1:${port}/app/${APP.key}?protocol=7&client=bench&version=1.0.0`,
        { perMessageDeflate: false },
      );
      socket.on('error', reject);
      socket.on('message', (raw) => {
        const text = String(raw);
        if (text.includes('pusher:connection_established')) {
          socket.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: CHANNEL } }));
        } else if (text.includes('subscription_succeeded')) {
          resolve(socket);
        } else {
          onFrame(text);
        }
      });
    });
  }

  function expect(total, latency) {
    return new Promise((resolve) => {
      expectation = { total, received: 0, first: 0, resolve, latencies: latency ? [] : undefined };
    });
  }

  serveRpc({
    async connect({ ports }) {
      for (let i = 0; i < SUBSCRIBERS; i += 100) {
        const batch = Array.from({ length: 100 }, (_, j) => open(ports[(i + j) % ports.length]));
        sockets.push(...(await Promise.all(batch)));
      }
      return sockets.length;
    },
    async throughput({ triggerPort }) {
      const sdk = sdkFor(triggerPort);
      const rates = [];
      for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
        const done = expect(THROUGHPUT_EVENTS * SUBSCRIBERS, false);
        const started = now();
        for (let i = 0; i < THROUGHPUT_EVENTS; i += 4) {
          await Promise.all(
            Array.from({ length: 4 }, (_, j) =>
              sdk.trigger(CHANNEL, EVENT, JSON.stringify({ n: i + j })),
            ),
          );
        }
        await done;
        rates.push((THROUGHPUT_EVENTS * SUBSCRIBERS) / ((now() - started) / 1000));
      }
      sdk.close?.();
      return median(rates);
    },
    async latency({ triggerPort }) {
      const sdk = sdkFor(triggerPort);
      const latencies = [];
      for (let i = 0; i < LATENCY_EVENTS; i++) {
        const done = expect(SUBSCRIBERS, true);
        await sdk.trigger(CHANNEL, EVENT, JSON.stringify({ sentAt: now() }));
        latencies.push(...(await done).latencies);
      }
      sdk.close?.();
      latencies.sort((a, b) => a - b);
      return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
    },
    async close() {
      await Promise.all(
        sockets.map((socket) => {
          const closed = once(socket, 'close');
          socket.close();
          return closed;
        }),
      );
      sockets = [];
      return true;
    },
  });
  process.send({ ready: true });
}

// ------------------------------------------------------------------------------------------
// Orchestrator.

async function freePort() {
  const server = createNetServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

async function startRedis() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  child.on('error', () => {
    console.error('redis-server is not on PATH: install Redis to run this benchmark');
    process.exit(1);
  });
  const { createConnection } = await import('node:net');
  for (let attempt = 0; attempt < 200; attempt++) {
    const ok = await new Promise((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        socket.destroy();
        resolve(String(chunk).startsWith('+PONG'));
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('redis-server did not start');
}

async function startNode(redisUrl, keyPrefix) {
  const child = fork(SELF, ['server', redisUrl ?? '', keyPrefix], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = await once(child, 'message');
  return { port: message.listening, call: rpcClient(child, STEP_TIMEOUT_MS), child };
}

async function measure(label, redisUrl, nodeCount) {
  const keyPrefix = `bench-${Math.random().toString(36).slice(2)}:`;
  const nodes = [];
  for (let i = 0; i < nodeCount; i++) nodes.push(await startNode(redisUrl, keyPrefix));
  const clients = fork(SELF, ['clients'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await once(clients, 'message');
  const call = rpcClient(clients, STEP_TIMEOUT_MS);
  await call('connect', { ports: nodes.map((node) => node.port) });
  const triggerPort = nodes[0].port;
  await call('latency', { triggerPort }); // warm-up
  const rate = await call('throughput', { triggerPort });
  const latency = await call('latency', { triggerPort });
  await call('close');
  clients.kill();
  for (const node of nodes) node.child.kill();
  console.log(
    `  ${label.padEnd(14)} ${Math.round(rate).toString().padStart(8)} deliveries/s   latency p50 ${latency.p50.toFixed(2)} ms  p99 ${latency.p99.toFixed(2)} ms`,
  );
  return { rate, ...latency };
}

async function main() {
  const redis = await startRedis();
  try {
    console.log(
      `One event to ${SUBSCRIBERS} subscribers (REST trigger through @pushwire/sdk to the first node):`,
    );
    const single = await measure('single', undefined, 1);
    const singleRedis = await measure('single+redis', redis.url, 1);
    const twoNodes = await measure('2 nodes', redis.url, 2);
    const ratio = (value, base) => (value / base).toFixed(2);
    console.log(
      'Ratios to the single node with the in-process adapter (throughput: higher is better; latency: lower is better):',
    );
    for (const [label, result] of [
      ['single+redis', singleRedis],
      ['2 nodes', twoNodes],
    ]) {
      console.log(
        `  ${label.padEnd(14)} throughput x${ratio(result.rate, single.rate)}   latency p50 x${ratio(result.p50, single.p50)}  p99 x${ratio(result.p99, single.p99)}`,
      );
    }
  } finally {
    redis.stop();
  }
}

const [role, ...args] = process.argv.slice(2);
if (role === 'server') await runServer(args[0] || undefined, args[1]);
else if (role === 'clients') await runClients();
else await main();
