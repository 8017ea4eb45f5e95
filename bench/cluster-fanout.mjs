/**
 * @module bench/cluster-fanout
 * What scaling out over Redis costs, side by side on this machine: one event to N subscribers
 *  - single: all N on one node with the default in-process adapter (the baseline),
 *  - single+redis: all N on one node with the Redis adapter,
 *  - 2 nodes / 3 nodes: N/2 or N/3 on each node sharing one Redis, triggers through the first node,
 *  - 3 nodes, cluster: the same on a 3-master Redis Cluster (sharded pub/sub).
 * Then the same 3-node fan-out with the events spread over 8 channels, on one Redis and on the
 * cluster, with what each Redis server did meanwhile (bus messages per second, CPU per message).
 * Last, the bus alone at full speed (ioredis clients standing in for 3 nodes, 300-byte envelopes):
 * PUBLISH on one Redis, SPUBLISH over the adapter's 16 sharded channels on the cluster, and classic
 * PUBLISH on the cluster (copied to every shard), with each Redis server's CPU per message; and
 * what the shared state costs Redis: memory and CPU per connection with one subscription (and per
 * presence membership), written through the adapter. `node bench/cluster-fanout.mjs bus` or
 * `… state` runs one of those parts alone.
 * Reports deliveries per second and trigger-to-delivery latency p50/p99, each as a ratio. Needs the
 * built packages (`npm run build`), `redis-server` and `redis-cli` (Redis 7) on PATH. Each server
 * runs in its own process, the WebSocket clients in another. Prints results only; writes no file.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { redisFigures, startRedis, startRedisCluster } from './lib/redis.mjs';
import { exitWithParent, rpcClient, serveRpc } from './lib/rpc.mjs';
import { median, now, percentile } from './lib/stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const APP = { id: 'bench-app', key: 'bench-key', secret: 'bench-secret' };
const SUBSCRIBERS = 400;
const THROUGHPUT_EVENTS = 40;
const THROUGHPUT_ROUNDS = 3;
const LATENCY_EVENTS = 20;
const CHANNEL = 'bench-cluster';
/** Channels of the spread runs (SUBSCRIBERS and THROUGHPUT_EVENTS are multiples of it). */
const SPREAD_CHANNELS = 8;

/** The channel subscriber (or event) `i` uses when there are `channels` channels. */
const channelOf = (i, channels) => (channels === 1 ? CHANNEL : `${CHANNEL}-${i % channels}`);
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

  function open(port, channel) {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(
        `ws://127.0.0.1:${port}/app/${APP.key}?protocol=7&client=bench&version=1.0.0`,
        { perMessageDeflate: false },
      );
      socket.on('error', reject);
      socket.on('message', (raw) => {
        const text = String(raw);
        if (text.includes('pusher:connection_established')) {
          socket.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel } }));
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
    async connect({ ports, channels }) {
      for (let i = 0; i < SUBSCRIBERS; i += 100) {
        const batch = Array.from({ length: 100 }, (_, j) =>
          open(ports[(i + j) % ports.length], channelOf(i + j, channels)),
        );
        sockets.push(...(await Promise.all(batch)));
      }
      return sockets.length;
    },
    async throughput({ triggerPort, channels }) {
      const sdk = sdkFor(triggerPort);
      const rates = [];
      const deliveries = (THROUGHPUT_EVENTS * SUBSCRIBERS) / channels;
      const phaseStarted = now();
      for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
        const done = expect(deliveries, false);
        const started = now();
        for (let i = 0; i < THROUGHPUT_EVENTS; i += 4) {
          await Promise.all(
            Array.from({ length: 4 }, (_, j) =>
              sdk.trigger(channelOf(i + j, channels), EVENT, JSON.stringify({ n: i + j })),
            ),
          );
        }
        await done;
        rates.push(deliveries / ((now() - started) / 1000));
      }
      sdk.close?.();
      return { rate: median(rates), elapsedMs: now() - phaseStarted };
    },
    async latency({ triggerPort, channels }) {
      const sdk = sdkFor(triggerPort);
      const latencies = [];
      for (let i = 0; i < LATENCY_EVENTS; i++) {
        const done = expect(SUBSCRIBERS / channels, true);
        await sdk.trigger(channelOf(0, channels), EVENT, JSON.stringify({ sentAt: now() }));
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

async function startNode(redisUrl, keyPrefix) {
  const child = fork(SELF, ['server', redisUrl ?? '', keyPrefix], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = await once(child, 'message');
  return { port: message.listening, call: rpcClient(child, STEP_TIMEOUT_MS), child };
}

/** What the Redis servers at `ports` did between two sets of figures. */
async function redisDelta(ports, before, elapsedMs) {
  const after = await Promise.all(ports.map((port) => redisFigures(port)));
  return after.map((figures, i) => {
    const start = before[i];
    const calls = (name) => (figures.calls[name] ?? 0) - (start.calls[name] ?? 0);
    const messages = calls('publish') + calls('spublish');
    return {
      messagesPerSec: messages / (elapsedMs / 1000),
      scriptsPerSec: (calls('evalsha') + calls('eval')) / (elapsedMs / 1000),
      cpuShare: (figures.cpuSec - start.cpuSec) / (elapsedMs / 1000),
    };
  });
}

async function measure(label, redis, nodeCount, channels = 1) {
  const keyPrefix = `bench-${Math.random().toString(36).slice(2)}:`;
  const nodes = [];
  for (let i = 0; i < nodeCount; i++) nodes.push(await startNode(redis?.url, keyPrefix));
  const clients = fork(SELF, ['clients'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await once(clients, 'message');
  const call = rpcClient(clients, STEP_TIMEOUT_MS);
  await call('connect', { ports: nodes.map((node) => node.port), channels });
  const triggerPort = nodes[0].port;
  await call('latency', { triggerPort, channels }); // warm-up
  const ports = redis?.ports ?? [];
  const before = await Promise.all(ports.map((port) => redisFigures(port)));
  const { rate, elapsedMs } = await call('throughput', { triggerPort, channels });
  const shards = await redisDelta(ports, before, elapsedMs);
  const latency = await call('latency', { triggerPort, channels });
  await call('close');
  clients.kill();
  for (const node of nodes) node.child.kill();
  console.log(
    `  ${label.padEnd(20)} ${Math.round(rate).toString().padStart(8)} deliveries/s   latency p50 ${latency.p50.toFixed(2)} ms  p99 ${latency.p99.toFixed(2)} ms`,
  );
  return { rate, ...latency, shards };
}

function printRatios(title, base, rows) {
  const ratio = (value, of) => (value / of).toFixed(2);
  console.log(title);
  for (const [label, result] of rows) {
    console.log(
      `  ${label.padEnd(20)} throughput x${ratio(result.rate, base.rate)}   latency p50 x${ratio(result.p50, base.p50)}  p99 x${ratio(result.p99, base.p99)}`,
    );
  }
}

function printShards(label, shards) {
  console.log(`  ${label}: what each Redis server did during the throughput rounds`);
  shards.forEach((shard, i) => {
    console.log(
      `    server ${i + 1}: ${Math.round(shard.messagesPerSec).toString().padStart(6)} bus messages/s, ${Math.round(shard.scriptsPerSec).toString().padStart(5)} scripts/s, CPU ${(shard.cpuShare * 100).toFixed(1)}% of a core`,
    );
  });
}

async function main() {
  const redis = await startRedis();
  const cluster = await startRedisCluster();
  try {
    console.log(
      `One event to ${SUBSCRIBERS} subscribers of one channel (REST trigger through @pushwire/sdk to the first node):`,
    );
    const single = await measure('single', undefined, 1);
    const singleRedis = await measure('single+redis', redis, 1);
    const twoNodes = await measure('2 nodes', redis, 2);
    const threeNodes = await measure('3 nodes', redis, 3);
    const threeOnCluster = await measure('3 nodes, cluster', cluster, 3);
    printRatios(
      'Ratios to the single node with the in-process adapter (throughput: higher is better; latency: lower is better):',
      single,
      [
        ['single+redis', singleRedis],
        ['2 nodes', twoNodes],
        ['3 nodes', threeNodes],
        ['3 nodes, cluster', threeOnCluster],
      ],
    );
    console.log(
      `\nEvents spread over ${SPREAD_CHANNELS} channels (${SUBSCRIBERS / SPREAD_CHANNELS} subscribers each), 3 nodes:`,
    );
    const spreadOne = await measure('3 nodes, one Redis', redis, 3, SPREAD_CHANNELS);
    const spreadCluster = await measure('3 nodes, cluster', cluster, 3, SPREAD_CHANNELS);
    printRatios('Ratio of the cluster to one Redis:', spreadOne, [
      ['3 nodes, cluster', spreadCluster],
    ]);
    printShards('one Redis', spreadOne.shards);
    printShards('3-master cluster', spreadCluster.shards);
    await busOnly(redis, cluster);
    await stateOnly(redis, cluster);
  } finally {
    redis.stop();
    cluster.stop();
  }
}

// ------------------------------------------------------------------------------------------
// The bus alone: what one message costs each Redis server.

const BUS_MESSAGES = 50_000;
const BUS_WINDOW = 500;
const BUS_SUBSCRIBERS = 3;
const BUS_SHARDS = 16;

async function busCapacity(label, redis, mode, subscriberCount = BUS_SUBSCRIBERS) {
  const { Redis, Cluster } = await import('ioredis');
  const prefix = `busbench-${Math.random().toString(36).slice(2)}:`;
  const clustered = redis.ports.length > 1;
  const nodes = redis.ports.map((port) => ({ host: '127.0.0.1', port }));
  const sharded = mode === 'spublish';
  const channels = sharded
    ? Array.from({ length: BUS_SHARDS }, (_, i) => `${prefix}bus:{${prefix}${i}}`)
    : [`${prefix}bus`];
  const client = (options = {}) =>
    clustered ? new Cluster(nodes, options) : new Redis(redis.ports[0], '127.0.0.1');
  let received = 0;
  const subscribers = [];
  for (let i = 0; i < subscriberCount; i++) {
    const subscriber = client(sharded ? { shardedSubscribers: true } : {});
    subscriber.on(sharded ? 'smessage' : 'message', () => {
      received += 1;
    });
    if (clustered) await new Promise((resolve) => subscriber.once('ready', resolve));
    if (sharded) for (const channel of channels) await subscriber.ssubscribe(channel);
    else await subscriber.subscribe(...channels);
    subscribers.push(subscriber);
  }
  const publisher = client();
  if (clustered) await new Promise((resolve) => publisher.once('ready', resolve));
  const payload = JSON.stringify({ n: 'node', k: 'p', a: 'app', c: 'channel', f: 'x'.repeat(230) });
  const send = (i) => {
    const channel = channels[i % channels.length];
    return sharded ? publisher.spublish(channel, payload) : publisher.publish(channel, payload);
  };
  for (let i = 0; i < BUS_WINDOW; i++) await send(i); // warm-up
  while (received < BUS_WINDOW * subscriberCount) await new Promise((r) => setTimeout(r, 10));
  received = 0;
  const before = await Promise.all(redis.ports.map((port) => redisFigures(port)));
  const started = now();
  for (let i = 0; i < BUS_MESSAGES; i += BUS_WINDOW) {
    await Promise.all(Array.from({ length: BUS_WINDOW }, (_, j) => send(i + j)));
  }
  const expected = BUS_MESSAGES * subscriberCount;
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (received < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const elapsedMs = now() - started;
  const after = await Promise.all(redis.ports.map((port) => redisFigures(port)));
  for (const c of [publisher, ...subscribers]) c.disconnect();
  const rate = Math.round(BUS_MESSAGES / (elapsedMs / 1000));
  let totalUs = 0;
  const perServer = after.map((figures, i) => {
    const cpuUs = (figures.cpuSec - before[i].cpuSec) * 1e6;
    totalUs += cpuUs;
    const share = ((figures.calls[mode] ?? 0) - (before[i].calls[mode] ?? 0)) / BUS_MESSAGES;
    return `${Math.round(100 * share)}% in, ${(cpuUs / BUS_MESSAGES).toFixed(1)} µs`;
  });
  console.log(
    `  ${label.padEnd(28)} ${rate.toString().padStart(7)} messages/s, ${received}/${expected} received; Redis CPU per message ${(totalUs / BUS_MESSAGES).toFixed(1)} µs in all (per server: ${perServer.join('; ')})`,
  );
}

async function busOnly(redis, cluster) {
  console.log(
    `\nThe bus alone: ${BUS_MESSAGES} envelopes of 300 bytes to ${BUS_SUBSCRIBERS} subscribers (the nodes), ${BUS_WINDOW} in flight:`,
  );
  await busCapacity('one Redis, PUBLISH', redis, 'publish');
  await busCapacity('one Redis, SPUBLISH (16 ch)', redis, 'spublish');
  await busCapacity('cluster, SPUBLISH (16 ch)', cluster, 'spublish');
  await busCapacity('cluster, classic PUBLISH', cluster, 'publish');
  await busCapacity('one Redis, PUBLISH, 12 nodes', redis, 'publish', 12);
  await busCapacity('cluster, SPUBLISH, 12 nodes', cluster, 'spublish', 12);
}

// ------------------------------------------------------------------------------------------
// The shared state: what a connection, a subscription and a membership cost Redis.

const STATE_CONNECTIONS = 20_000;
const STATE_PER_CHANNEL = 10;
const STATE_IN_FLIGHT = 200;

async function usedMemory(port) {
  const { execFileSync } = await import('node:child_process');
  const info = execFileSync('redis-cli', ['-p', String(port), 'INFO', 'memory'], {
    encoding: 'utf8',
  });
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
}

async function stateCost(label, redis) {
  const { RedisAdapter } = await import('@pushwire/server/adapters/redis');
  const adapter = new RedisAdapter({ url: redis.url, keyPrefix: `statebench-${Date.now()}:` });
  const handlers = {
    deliver() {},
    terminateUser() {},
    clusterChanged() {},
    healthChanged() {},
  };
  await adapter.start(handlers);
  const phase = async (what, step) => {
    const memory = await Promise.all(redis.ports.map(usedMemory));
    const before = await Promise.all(redis.ports.map((port) => redisFigures(port)));
    const started = now();
    for (let i = 0; i < STATE_CONNECTIONS; i += STATE_IN_FLIGHT) {
      await Promise.all(Array.from({ length: STATE_IN_FLIGHT }, (_, j) => step(i + j)));
    }
    const elapsedSec = (now() - started) / 1000;
    const after = await Promise.all(redis.ports.map((port) => redisFigures(port)));
    const memoryAfter = await Promise.all(redis.ports.map(usedMemory));
    const bytes = memoryAfter.reduce((sum, m, i) => sum + m - memory[i], 0) / STATE_CONNECTIONS;
    const cpuUs =
      (after.reduce((sum, f, i) => sum + f.cpuSec - before[i].cpuSec, 0) * 1e6) / STATE_CONNECTIONS;
    console.log(
      `  ${label.padEnd(10)} ${what.padEnd(34)} ${Math.round(bytes).toString().padStart(4)} bytes, ${cpuUs.toFixed(1).padStart(5)} µs Redis CPU each (${Math.round(STATE_CONNECTIONS / elapsedSec)}/s from one node)`,
    );
  };
  const socket = (i) => `${Math.floor(i / 1000)}.${i % 1000}`;
  const channel = (i) => `chan-${Math.floor(i / STATE_PER_CHANNEL)}`;
  await phase('connection', (i) => adapter.addConnection('app', socket(i)));
  await phase(`subscription (${STATE_PER_CHANNEL} per channel)`, (i) =>
    adapter.addSubscription('app', channel(i), socket(i)),
  );
  await phase(`presence member (${STATE_PER_CHANNEL} per channel)`, (i) =>
    adapter.addMember('app', `presence-${channel(i)}`, socket(i), {
      userId: `user-${i}`,
      userInfo: { name: `User ${i}` },
    }),
  );
  await adapter.close();
}

async function stateOnly(redis, cluster) {
  console.log(
    `\nThe shared state: ${STATE_CONNECTIONS} of each, written through one node's adapter (${STATE_IN_FLIGHT} in flight); memory and CPU summed over the Redis servers:`,
  );
  await stateCost('one Redis', redis);
  await stateCost('cluster', cluster);
}

const [role, ...args] = process.argv.slice(2);
if (role === 'server') await runServer(args[0] || undefined, args[1]);
else if (role === 'clients') await runClients();
else if (role === 'bus') {
  // `node bench/cluster-fanout.mjs bus`: the bus part only.
  const [redis, cluster] = [await startRedis(), await startRedisCluster()];
  await busOnly(redis, cluster).finally(() => {
    redis.stop();
    cluster.stop();
  });
} else if (role === 'state') {
  // `node bench/cluster-fanout.mjs state`: the state part only.
  const [redis, cluster] = [await startRedis(), await startRedisCluster()];
  await stateOnly(redis, cluster).finally(() => {
    redis.stop();
    cluster.stop();
  });
} else await main();
