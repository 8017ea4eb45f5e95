/**
 * @module bench/server-fanout
 * @pushwire/server against a bare `ws` server, side by side on this machine:
 *  1. fan-out: events to one channel with 1,000 subscribers; deliveries per second, ours / bare
 *     (the bare server sends the same pre-serialized frame to every socket: an upper bound);
 *  2. trigger-to-delivery latency p50/p99 (ours: REST trigger through @pushwire/sdk; bare: an IPC
 *     message to its process), one event at a time;
 *  3. memory per idle connection at 5,000 connections: server RSS delta after GC / connections.
 * Each server runs in its own process, the clients in another (`ws` clients, no compression);
 * both servers stay up and the rounds alternate between them, so outside load hits both alike.
 * Uses the built packages (`npm run build`). Prints results only; writes no file.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { rpcClient, serveRpc } from './lib/rpc.mjs';
import { median, now, percentile } from './lib/stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const APP = { appId: 'app-id', key: 'app-key', secret: 'app-secret' };
const FANOUT_SUBSCRIBERS = 1_000;
const FANOUT_EVENTS = 50;
const FANOUT_ROUNDS = 5;
const TRIGGER_CONCURRENCY = 4;
const LATENCY_EVENTS = 20;
const IDLE_CONNECTIONS = 5_000;
const CONNECT_BATCH = 200;
const CHANNEL = 'bench-fanout';
const EVENT = 'fanout';
const STEP_TIMEOUT_MS = 60_000;

// ------------------------------------------------------------------------------------------
// Role: a server process (ours or bare).

async function runServer(kind) {
  let port;
  let broadcast = async () => {};
  if (kind === 'ours') {
    const { createServer } = await import('@pushwire/server');
    // Every connection comes from this machine: no per-address cap on a load generator.
    const server = createServer({
      port: 0,
      logLevel: 'error',
      relaxed: true,
      maxConnectionsPerIp: 0,
    });
    ({ port } = await server.listen());
  } else {
    const { WebSocketServer } = await import('ws');
    const sockets = new Set();
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await once(wss, 'listening');
    port = wss.address().port;
    let nextSocket = 1;
    wss.on('connection', (socket) => {
      const socketId = `${nextSocket++}.${Math.floor(Math.random() * 1e9)}`;
      socket.send(
        JSON.stringify({
          event: 'pusher:connection_established',
          data: JSON.stringify({ socket_id: socketId, activity_timeout: 120 }),
        }),
      );
      socket.on('message', (raw) => {
        const frame = JSON.parse(String(raw));
        if (frame.event === 'pusher:subscribe') {
          sockets.add(socket);
          socket.send(
            JSON.stringify({
              event: 'pusher_internal:subscription_succeeded',
              channel: frame.data.channel,
              data: '{}',
            }),
          );
        }
      });
      socket.on('close', () => sockets.delete(socket));
    });
    // Each event in its own macrotask, as each REST trigger is on our server.
    broadcast = async ({ events }) => {
      for (const data of events) {
        // Serialized and UTF-8 encoded once per event, as our server does.
        const frame = Buffer.from(JSON.stringify({ event: EVENT, channel: CHANNEL, data }));
        for (const socket of sockets) socket.send(frame, { binary: false });
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
  }
  serveRpc({
    broadcast,
    rss: () => {
      globalThis.gc?.();
      globalThis.gc?.();
      return process.memoryUsage().rss;
    },
  });
  process.send({ listening: port });
}

// ------------------------------------------------------------------------------------------
// Role: the clients process. Sockets belong to a group (one per server), so both servers keep
// their subscribers connected and the rounds can alternate between them.

async function runClients() {
  const { default: WebSocket } = await import('ws');
  const groups = new Map();
  let expectation;
  let armed;

  // Kept cheap so the clients measure the server, not themselves: while counting throughput a
  // frame is only counted (after subscribing, the event frames are the only traffic); only the
  // latency rounds decode it.
  const eventMarker = Buffer.from(`"${EVENT}"`);
  function onFrame(group, raw) {
    if (expectation === undefined || expectation.group !== group) return;
    const received = now();
    if (expectation.latencies) {
      if (!raw.includes(eventMarker)) return;
      const frame = JSON.parse(String(raw));
      expectation.latencies.push(received - JSON.parse(frame.data).sentAt);
    }
    if (expectation.received === 0) expectation.first = received;
    expectation.received += 1;
    if (expectation.received === expectation.total) {
      const done = expectation;
      expectation = undefined;
      done.resolve({ elapsedMs: received - done.first, latencies: done.latencies ?? [] });
    }
  }

  function open(group, port, subscribe) {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(
        `ws://127.0.0.1:${port}/app/${APP.key}?protocol=7&client=bench&version=1.0.0`,
        { perMessageDeflate: false, skipUTF8Validation: true },
      );
      socket.on('error', reject);
      let ready = false;
      socket.on('message', (raw) => {
        if (ready) return onFrame(group, raw);
        const text = String(raw);
        if (text.includes('pusher:connection_established') && subscribe) {
          socket.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: CHANNEL } }));
        } else if (
          text.includes('pusher:connection_established') ||
          text.includes('subscription_succeeded')
        ) {
          ready = true;
          resolve(socket);
        }
      });
    });
  }

  serveRpc({
    async connect({ group, port, count, subscribe }) {
      const sockets = groups.get(group) ?? [];
      groups.set(group, sockets);
      for (let opened = 0; opened < count; opened += CONNECT_BATCH) {
        const batch = Math.min(CONNECT_BATCH, count - opened);
        sockets.push(
          ...(await Promise.all(Array.from({ length: batch }, () => open(group, port, subscribe)))),
        );
      }
      return sockets.length;
    },
    arm({ group, total, latency }) {
      // Set up the count before anything is published; `wait` then resolves when it completes.
      let resolve;
      const completed = new Promise((r) => {
        resolve = r;
      });
      expectation = {
        group,
        total,
        received: 0,
        first: 0,
        resolve,
        latencies: latency ? [] : undefined,
      };
      armed = completed;
      return true;
    },
    wait() {
      return armed;
    },
    async close({ group }) {
      const sockets = groups.get(group) ?? [];
      groups.delete(group);
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise((resolve) => {
              if (socket.readyState === WebSocket.CLOSED) return resolve();
              socket.once('close', resolve);
              socket.terminate();
            }),
        ),
      );
      return true;
    },
  });
  process.send({ ready: true });
}

// ------------------------------------------------------------------------------------------
// Orchestrator.

function startChild(args, execArgv = []) {
  const child = fork(SELF, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return { child, call: rpcClient(child, STEP_TIMEOUT_MS) };
}

async function firstMessage(child, key) {
  for (;;) {
    const [message] = await once(child, 'message');
    if (message[key] !== undefined) return message[key];
  }
}

/** Start one server process and return how to publish a list of event data strings to it. */
async function startTarget(kind) {
  const server = startChild(['server', kind], ['--expose-gc']);
  const port = await firstMessage(server.child, 'listening');
  if (kind === 'bare') {
    return { kind, server, port, publish: (datas) => server.call('broadcast', { events: datas }) };
  }
  const { Pusher } = await import('@pushwire/sdk');
  const sdk = new Pusher({ ...APP, host: '127.0.0.1', port, useTLS: false });
  const publish = async (datas) => {
    let next = 0;
    const worker = async () => {
      while (next < datas.length) await sdk.trigger(CHANNEL, EVENT, datas[next++]);
    };
    await Promise.all(Array.from({ length: TRIGGER_CONCURRENCY }, worker));
  };
  return { kind, server, port, publish };
}

/** Publish `datas` to `target` and resolve with what its subscribers saw. */
async function round(clients, target, datas, latency) {
  const total = datas.length * FANOUT_SUBSCRIBERS;
  await clients.call('arm', { group: target.kind, total, latency });
  const done = clients.call('wait');
  await target.publish(datas);
  return done;
}

/** RSS growth of the target's process per idle connection, at IDLE_CONNECTIONS connections. */
async function bytesPerIdleConnection(clients, target) {
  const group = `${target.kind}-idle`;
  const before = await target.server.call('rss');
  await clients.call('connect', {
    group,
    port: target.port,
    count: IDLE_CONNECTIONS,
    subscribe: false,
  });
  const after = await target.server.call('rss');
  await clients.call('close', { group });
  return (after - before) / IDLE_CONNECTIONS;
}

async function main() {
  const clients = startChild(['clients']);
  await firstMessage(clients.child, 'ready');
  const targets = [await startTarget('bare'), await startTarget('ours')];
  try {
    for (const target of targets) {
      await clients.call('connect', {
        group: target.kind,
        port: target.port,
        count: FANOUT_SUBSCRIBERS,
        subscribe: true,
      });
    }
    // Alternate the servers round by round so that load from elsewhere hits both alike.
    const rates = { bare: [], ours: [] };
    const latencies = { bare: [], ours: [] };
    for (let r = 0; r < FANOUT_ROUNDS; r++) {
      for (const target of targets) {
        const datas = Array.from({ length: FANOUT_EVENTS }, (_, i) =>
          JSON.stringify({ seq: i, text: 'x'.repeat(64) }),
        );
        const { elapsedMs } = await round(clients, target, datas, false);
        rates[target.kind].push((FANOUT_EVENTS * FANOUT_SUBSCRIBERS) / (elapsedMs / 1000));
      }
    }
    for (let i = 0; i < LATENCY_EVENTS; i++) {
      for (const target of targets) {
        const result = await round(clients, target, [JSON.stringify({ sentAt: now() })], true);
        latencies[target.kind].push(...result.latencies);
      }
    }
    for (const target of targets) await clients.call('close', { group: target.kind });
    const memory = {};
    for (const target of targets)
      memory[target.kind] = await bytesPerIdleConnection(clients, target);

    const summary = (kind) => {
      const sorted = [...latencies[kind]].sort((a, b) => a - b);
      return {
        rate: median(rates[kind]),
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        memory: memory[kind],
      };
    };
    const ours = summary('ours');
    const bare = summary('bare');
    const fmt = (n) => Math.round(n).toLocaleString('en-US');
    const ms = (n) => n.toFixed(2);
    const kib = (n) => (n / 1024).toFixed(1);
    console.log(
      `server fan-out: 1 channel x ${FANOUT_SUBSCRIBERS} subscribers, ${FANOUT_EVENTS} events per round, ` +
        `${FANOUT_ROUNDS} alternating rounds per server (median)`,
    );
    console.log(
      `  deliveries/s     ours ${fmt(ours.rate)}   bare ws ${fmt(bare.rate)}   ` +
        `ratio ours/bare ${(ours.rate / bare.rate).toFixed(2)}`,
    );
    console.log(
      `  latency p50/p99  ours ${ms(ours.p50)}/${ms(ours.p99)} ms (REST trigger -> delivery)   ` +
        `bare ws ${ms(bare.p50)}/${ms(bare.p99)} ms (IPC message -> delivery)`,
    );
    console.log(
      `  memory per idle connection  ours ${kib(ours.memory)} KiB   bare ws ${kib(bare.memory)} KiB   ` +
        `ratio ours/bare ${(ours.memory / bare.memory).toFixed(2)} (server RSS delta after GC, ${IDLE_CONNECTIONS} connections)`,
    );
  } finally {
    for (const target of targets) target.server.child.kill();
    clients.child.kill();
  }
}

const [role, kind] = process.argv.slice(2);
if (role === 'server') await runServer(kind);
else if (role === 'clients') await runClients();
else
  await main().catch((error) => {
    console.error(`server-fanout failed: ${error?.stack ?? error}`);
    process.exit(1);
  });
