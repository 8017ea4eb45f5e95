/**
 * @module bench/connection-cost
 * What one connection and one delivery cost each server, side by side in one run: pushwire on
 * Node and on Bun (the built @pushwire/server, `npm run build` first), a bare `ws` server on Node,
 * a bare Bun.serve server, and soketi 1.6.1 when it installs here. For each target:
 *  - memory per idle subscribed connection: server RSS delta after GC / connections
 *    (BENCH_CONNECTIONS, default 5,000; the file limit is raised as far as this machine allows);
 *  - server CPU per connect + subscribe: the server process's CPU time (/proc) / connections;
 *  - server CPU per delivery in a fan-out to 1,000 subscribers, and p50/p99 trigger-to-delivery
 *    latency (REST trigger for the real servers, a control message for the bare ones).
 * Each round starts every server afresh, in rotating order, so outside load hits all alike; the
 * figures are medians over BENCH_ROUNDS rounds (default 3), printed as ratios against soketi and
 * against the bare server of the same runtime, next to the targets of issue 7. BENCH_TARGETS
 * (comma-separated parts of target names, e.g. `bun,soketi`) runs only some of them.
 * Prints results only; writes no file.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuMicros, fileLimits, rssBytes } from './lib/proc.mjs';
import { rpcClient } from './lib/rpc.mjs';
import { prepareSoketi } from './lib/soketi.mjs';
import { median, now, percentile } from './lib/stats.mjs';
import { printTable } from './lib/table.mjs';
import { defineTargets, findBun, startTarget } from './lib/targets.mjs';

const REQUESTED_CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const FANOUT_SUBSCRIBERS = 1_000;
const FANOUT_EVENTS = 50;
const WARMUP_EVENTS = 10;
const LATENCY_EVENTS = 20;
const CHANNEL = 'bench-cost';
const EVENT = 'cost';
/** Connections one client process holds (ephemeral ports per source address are ~28,000). */
const CONNECTIONS_PER_CLIENT = 15_000;
/** File descriptors a process keeps for itself beyond its connections. */
const FD_SLACK = 200;
const PROJECTED_CONNECTIONS = 100_000;
/** How long one fan-out may take before the target is reported as losing deliveries. */
const FANOUT_DEADLINE_MS = 60_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Client processes, each with its own source address 127.0.0.x. */
async function startClients(connections) {
  const perClient = Math.min(CONNECTIONS_PER_CLIENT, fileLimits().soft - FD_SLACK);
  const count = Math.ceil(connections / perClient);
  const clients = [];
  for (let i = 0; i < count; i++) {
    const child = fork(fileURLToPath(new URL('./lib/client-worker.mjs', import.meta.url)), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [message] = await once(child, 'message');
    if (!message.ready) throw new Error('client worker did not start');
    clients.push({ child, call: rpcClient(child, 300_000), localAddress: `127.0.0.${i + 2}` });
  }
  return { clients, perClient };
}

/** Spread `connections` subscribed connections over the client processes, all at once. */
async function connectAll(clients, perClient, port, connections) {
  await Promise.all(
    clients.map((client, i) => {
      const count = Math.max(0, Math.min(perClient, connections - i * perClient));
      return count === 0
        ? Promise.resolve(0)
        : client.call('connect', {
            port,
            count,
            channel: CHANNEL,
            localAddress: client.localAddress,
          });
    }),
  );
}

async function gcRss(server) {
  await server.control.call('gc');
  await sleep(200);
  return rssBytes(server.pid);
}

/** Publish `datas`; resolve with the elapsed time and latencies the first client saw. */
async function fanout(client, server, datas, options = {}) {
  await client.call('arm', { total: datas.length * FANOUT_SUBSCRIBERS, latency: options.latency });
  const done = client.call('wait');
  done.catch(() => {}); // Reported through the deadline below when it never completes.
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`not every delivery arrived within ${FANOUT_DEADLINE_MS / 1000} s`)),
      FANOUT_DEADLINE_MS,
    );
  });
  try {
    await Promise.race([server.publish(datas, options), deadline]);
    return await Promise.race([done, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const payload = (i) => JSON.stringify({ seq: i, text: 'x'.repeat(64) });

/** One round on one target: a fresh server, measured from connect to fan-out. */
async function measure(target, { clients, perClient, connections, fileLimit }) {
  const server = await startTarget(target, { fileLimit, channel: CHANNEL, event: EVENT });
  try {
    await sleep(500);
    const rssBefore = await gcRss(server);
    const cpuBeforeConnect = cpuMicros(server.pid);
    const connectStarted = Date.now();
    await connectAll(clients, perClient, server.port, connections);
    const connectSeconds = (Date.now() - connectStarted) / 1000;
    await sleep(300);
    const cpuAfterConnect = cpuMicros(server.pid);
    const rssAfter = await gcRss(server);

    await Promise.all(
      clients.map((client, i) => client.call('keep', { count: i === 0 ? FANOUT_SUBSCRIBERS : 0 })),
    );
    await sleep(500);
    const [first] = clients;
    await fanout(
      first,
      server,
      Array.from({ length: WARMUP_EVENTS }, (_, i) => payload(i)),
    );

    const deliveries = FANOUT_EVENTS * FANOUT_SUBSCRIBERS;
    const datas = Array.from({ length: FANOUT_EVENTS }, (_, i) => payload(i));
    const cpuBeforeFanout = cpuMicros(server.pid);
    const { elapsedMs } = await fanout(first, server, datas);
    const cpuAfterFanout = cpuMicros(server.pid);
    let topicCpu;
    if (target.topicPublish) {
      const before = cpuMicros(server.pid);
      await fanout(first, server, datas, { topic: true });
      topicCpu = (cpuMicros(server.pid) - before) / deliveries;
    }
    const latencies = [];
    for (let i = 0; i < LATENCY_EVENTS; i++) {
      const result = await fanout(first, server, [JSON.stringify({ sentAt: now() })], {
        latency: true,
      });
      latencies.push(...result.latencies);
    }
    latencies.sort((a, b) => a - b);
    return {
      connectSeconds,
      memory: (rssAfter - rssBefore) / connections,
      rssAtConnections: rssAfter,
      rssIdle: rssBefore,
      connectCpu: (cpuAfterConnect - cpuBeforeConnect) / connections,
      deliveryCpu: (cpuAfterFanout - cpuBeforeFanout) / deliveries,
      topicCpu,
      rate: deliveries / (elapsedMs / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
  } finally {
    await Promise.all(clients.map((client) => client.call('keep', { count: 0 }).catch(() => {})));
    await server.stop();
  }
}

// ------------------------------------------------------------------------------------------
// Report.

const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
const mib = (bytes) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const micros = (us) => `${us.toFixed(us < 10 ? 2 : 0)} µs`;
const millis = (ms) => `${ms.toFixed(2)} ms`;
const ratio = (a, b) =>
  a === undefined || b === undefined || b === 0 ? '' : `${(a / b).toFixed(2)}x`;

/** The issue 7 targets for one figure: `[text, check(value, of) -> boolean | undefined]` per target. */
const GOALS = {
  memory: {
    'pushwire (Bun)': [
      '≤ 0.85x soketi (≤ 3.6 KiB); ≤ bare Bun + 0.5 KiB',
      (v, of) => all(v <= 0.85 * of('soketi 1.6.1'), v <= of('bare Bun.serve') + 512),
    ],
    'pushwire (Node)': ['≤ bare ws + 0.5 KiB', (v, of) => all(v <= of('bare ws (Node)') + 512)],
  },
  connectCpu: {
    'pushwire (Bun)': [
      '≤ 0.6x soketi; ≤ bare Bun + 100 µs',
      (v, of) => all(v <= 0.6 * of('soketi 1.6.1'), v <= of('bare Bun.serve') + 100),
    ],
    'pushwire (Node)': ['≤ bare ws + 100 µs', (v, of) => all(v <= of('bare ws (Node)') + 100)],
  },
  deliveryCpu: {
    'pushwire (Bun)': ['≤ 0.5x soketi', (v, of) => all(v <= 0.5 * of('soketi 1.6.1'))],
    'pushwire (Node)': ['≤ bare ws', (v, of) => all(v <= of('bare ws (Node)'))],
  },
};

/** Whether every comparison holds (a missing peer compares as NaN, so as not met). */
function all(...checks) {
  return checks.every(Boolean);
}

function printFigure(title, key, format, targets, results) {
  const of = (name) => {
    const values = results
      .get(name)
      ?.map((r) => r[key])
      .filter((v) => v !== undefined);
    return values && values.length > 0 ? median(values) : undefined;
  };
  const rows = targets.map((target) => {
    const values = results.get(target.name).map((r) => r[key]);
    const value = median(values);
    const goal = GOALS[key]?.[target.name];
    let verdict = '';
    if (goal) {
      const ofOrNaN = (name) => of(name) ?? Number.NaN;
      const peersPresent = /soketi/.test(goal[0]) ? of('soketi 1.6.1') !== undefined : true;
      const met = goal[1](value, ofOrNaN);
      verdict = `${goal[0]}: ${met ? 'met' : peersPresent ? 'NOT met' : 'n/a (no soketi)'}`;
    }
    return [
      target.name,
      format(value),
      `${format(Math.min(...values))} - ${format(Math.max(...values))}`,
      target.name.startsWith('soketi') ? '1.00x' : ratio(value, of('soketi 1.6.1')),
      target.bare ? ratio(value, of(target.bare)) : '',
      verdict,
    ];
  });
  printTable(
    title,
    ['target', 'median', 'range', 'vs soketi', 'vs bare same runtime', 'issue 7 target'],
    rows,
  );
}

async function main() {
  for (const dist of ['../packages/server/dist/index.js', '../packages/sdk/dist/index.js']) {
    if (!existsSync(fileURLToPath(new URL(dist, import.meta.url)))) {
      throw new Error(`${dist.slice(3)} is missing: run \`npm run build\` first`);
    }
  }
  const limits = fileLimits();
  const connectionCap = limits.hard - FD_SLACK;
  // The fan-out keeps FANOUT_SUBSCRIBERS of the idle connections, so never fewer than that.
  const connections = Math.max(FANOUT_SUBSCRIBERS, Math.min(REQUESTED_CONNECTIONS, connectionCap));
  if (connections < REQUESTED_CONNECTIONS) {
    console.log(
      `note: ${REQUESTED_CONNECTIONS.toLocaleString('en-US')} connections asked, but this machine allows one ` +
        `process ${limits.hard} open files (hard limit; raising it needs CAP_SYS_RESOURCE): ` +
        `measuring at ${connections.toLocaleString('en-US')}.`,
    );
  }
  const bun = findBun();
  if (!bun)
    console.log(
      'Bun not found ($BUN_BIN, runtime-tests/node_modules/.bin/bun, PATH): Bun targets skipped.',
    );
  const soketi = await prepareSoketi();
  if (soketi.skipped) console.log(`soketi skipped: ${soketi.skipped}`);
  let targets = defineTargets({ bun, soketiScript: soketi.serverScript });
  const only = process.env.BENCH_TARGETS?.split(',').map((part) => part.trim().toLowerCase());
  if (only)
    targets = targets.filter((t) => only.some((part) => t.name.toLowerCase().includes(part)));

  const { clients, perClient } = await startClients(connections);
  const context = { clients, perClient, connections, fileLimit: connections + FD_SLACK };
  const results = new Map(targets.map((target) => [target.name, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const target of order) {
        const started = Date.now();
        try {
          results.get(target.name).push(await measure(target, context));
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          const { connectSeconds } = results.get(target.name).at(-1);
          console.log(
            `round ${round + 1}/${ROUNDS}  ${target.name}: ${seconds} s (connecting ${connectSeconds.toFixed(1)} s)`,
          );
        } catch (error) {
          if (!target.name.startsWith('soketi')) throw error;
          console.log(`soketi skipped: ${error.message}`);
          targets = targets.filter((t) => t !== target);
          results.delete(target.name);
        }
      }
    }
  } finally {
    for (const client of clients) client.child.kill();
  }

  console.log(
    `\nconnection cost: ${connections.toLocaleString('en-US')} idle subscribed connections (one public channel), ` +
      `fan-out to ${FANOUT_SUBSCRIBERS.toLocaleString('en-US')} subscribers x ${FANOUT_EVENTS} events; ` +
      `${ROUNDS} rounds, fresh servers in rotating order, medians; CPU = server process user+system time (/proc, 10 ms ticks)`,
  );
  if (bun) console.log(`Bun ${await bunVersion(bun)}, Node ${process.version}`);
  printFigure(
    `memory per idle subscribed connection (${connections.toLocaleString('en-US')} connections, RSS delta after GC)`,
    'memory',
    kib,
    targets,
    results,
  );
  printFigure('server CPU per connect + subscribe', 'connectCpu', micros, targets, results);
  printFigure(
    `server CPU per delivery, fan-out to ${FANOUT_SUBSCRIBERS.toLocaleString('en-US')} (pushwire/soketi include the REST trigger)`,
    'deliveryCpu',
    micros,
    targets,
    results,
  );
  const topic = targets.filter((t) => t.topicPublish);
  if (topic.length > 0) {
    printFigure(
      '  the same with Bun topic publish (server.publish)',
      'topicCpu',
      micros,
      topic,
      results,
    );
  }
  printFigure(
    'fan-out throughput, deliveries per second',
    'rate',
    (n) => Math.round(n).toLocaleString('en-US'),
    targets,
    results,
  );
  printFigure(
    'trigger-to-delivery latency p50 (REST trigger; bare servers: a control message)',
    'p50',
    millis,
    targets,
    results,
  );
  printFigure('trigger-to-delivery latency p99', 'p99', millis, targets, results);
  printTable(
    `server RSS with ${connections.toLocaleString('en-US')} connections, and projected to ${PROJECTED_CONNECTIONS.toLocaleString('en-US')} (idle RSS + per-connection x ${PROJECTED_CONNECTIONS.toLocaleString('en-US')}; target for pushwire on Bun: within 500 MB)`,
    [
      'target',
      `RSS at ${connections.toLocaleString('en-US')}`,
      `projected at ${PROJECTED_CONNECTIONS.toLocaleString('en-US')}`,
    ],
    targets.map((target) => {
      const runs = results.get(target.name);
      const at = median(runs.map((r) => r.rssAtConnections));
      const projected = median(runs.map((r) => r.rssIdle + r.memory * PROJECTED_CONNECTIONS));
      return [target.name, mib(at), mib(projected)];
    }),
  );
}

async function bunVersion(bun) {
  const { execFileSync } = await import('node:child_process');
  return execFileSync(bun, ['--version'], { encoding: 'utf8' }).trim();
}

await main().catch((error) => {
  console.error(`connection-cost failed: ${error?.stack ?? error}`);
  process.exit(1);
});
