// Benchmark: trigger throughput at 32 concurrent calls, side by side: ours (built dist), the
// official `pusher` package (its defaults: node-fetch over Node's global keep-alive agent) and a
// bare undici Pool sending the same signed requests (same body, md5 and HMAC work per call).
//
// The endpoint must not be the bottleneck, so it is a raw node:net server in a child process that
// parses only what it must (request line and headers up to the blank line, Content-Length, the
// body) and answers every request with the same fixed `200 {}` bytes over keep-alive. It counts
// requests per peer, so a peer that skipped work would show.
//
// `ours-stepped-aside` is ours again while a pass-through Proxy sits on `http.request` (installed
// only during its own runs), as nock and msw leave it: the SDK then sends through node:http so
// that interceptors see its requests. That path is not held to the target; it is measured to show
// the price of interception, and why the socket transport stays the default.
//
// Peers run in alternation (the order rotates every round) for ROUNDS rounds; the report is the
// median req/s per peer and the ratios of the medians. Run: node bench/sdk-trigger.mjs
import { fork } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CONCURRENCY = 32;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const WARMUP = 2000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const APP = { appId: '1', key: 'bench-key', secret: 'bench-secret' };
const RESPONSE = Buffer.from(
  'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}',
  'latin1',
);

if (process.argv[2] === 'server') startEndpoint();
else await main();

/** The raw endpoint: one request at a time per socket (no pipelining), keep-alive. */
async function startEndpoint() {
  const { createServer } = await import('node:net');
  const counts = new Map();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    let buffer = '';
    let bodyLeft = -1; // -1: reading a head
    socket.setEncoding('latin1');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (;;) {
        if (bodyLeft < 0) {
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buffer.slice(0, end);
          buffer = buffer.slice(end + 4);
          const match = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
          bodyLeft = match ? Number(match[1]) : 0;
          const library = /\r\nx-pusher-library:[ \t]*([^\r\n]*)/i.exec(head)?.[1] ?? 'unknown';
          // node:http adds a Connection header, the SDK's socket transport does not.
          const peer = /\r\nconnection:/i.test(head) ? `${library} (connection header)` : library;
          counts.set(peer, (counts.get(peer) ?? 0) + 1);
        }
        if (buffer.length < bodyLeft) return;
        buffer = buffer.slice(bodyLeft);
        bodyLeft = -1;
        socket.write(RESPONSE);
      }
    });
  });
  process.on('message', (message) => {
    if (message === 'counts') process.send({ counts: Object.fromEntries(counts) });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
}

async function main() {
  const dist = fileURLToPath(new URL('../packages/sdk/dist/index.js', import.meta.url));
  if (!existsSync(dist)) {
    console.error('packages/sdk/dist is missing: run `npm run build -w @pushwire/sdk` first');
    process.exit(1);
  }
  const { Pusher } = await import(dist);
  const { default: OfficialPusher } = await import('pusher');
  const { Pool } = await import('undici');
  const http = await import('node:http').then((module) => module.default);

  const child = fork(fileURLToPath(import.meta.url), ['server'], { stdio: 'inherit' });
  const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)));
  const data = { message: 'hello', n: 42, list: [1, 2, 3] };

  const ours = new Pusher({ ...APP, host: '127.0.0.1', port, useTLS: false });
  const official = new OfficialPusher({
    ...APP,
    host: '127.0.0.1',
    port: String(port),
    useTLS: false,
  });
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY });
  const undiciHeaders = { 'content-type': 'application/json', 'x-pusher-library': 'undici-pool' };
  const undiciTrigger = async (channel, event, payload) => {
    const body = JSON.stringify({
      name: event,
      data: JSON.stringify(payload),
      channels: [channel],
    });
    const path = `/apps/${APP.appId}/events`;
    const query = `auth_key=${APP.key}&auth_timestamp=${Math.floor(Date.now() / 1000)}&auth_version=1.0&body_md5=${createHash('md5').update(body).digest('hex')}`;
    const signature = createHmac('sha256', APP.secret)
      .update(`POST\n${path}\n${query}`)
      .digest('hex');
    const { statusCode, body: responseBody } = await pool.request({
      method: 'POST',
      path: `${path}?${query}&auth_signature=${signature}`,
      headers: undiciHeaders,
      body,
    });
    const text = await responseBody.text();
    if (statusCode !== 200) throw new Error(`status ${statusCode}`);
    return JSON.parse(text);
  };

  const peers = {
    ours: (i) => ours.trigger('bench-channel', 'bench-event', { ...data, i }),
    official: async (i) => {
      const response = await official.trigger('bench-channel', 'bench-event', { ...data, i });
      return response.json();
    },
    'undici-pool': (i) => undiciTrigger('bench-channel', 'bench-event', { ...data, i }),
    'ours-stepped-aside': (i) => ours.trigger('bench-channel', 'bench-event', { ...data, i }),
  };
  // Peers run with http.request as an interceptor leaves it (a Proxy), the others with Node's own.
  const intercepted = new Set(['ours-stepped-aside']);
  const originalRequest = http.request;

  async function run(name, total) {
    const send = peers[name];
    http.request = intercepted.has(name) ? new Proxy(originalRequest, {}) : originalRequest;
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < total) await send(next++);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    http.request = originalRequest;
    return total / ((performance.now() - started) / 1000);
  }

  const benchStarted = performance.now();
  const names = Object.keys(peers);
  for (const name of names) await run(name, WARMUP);
  const rates = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      rates[name].push(await run(name, REQUESTS));
    }
  }
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };

  child.send('counts');
  const counts = await new Promise((resolve) => child.once('message', (m) => resolve(m.counts)));
  const expected = WARMUP + ROUNDS * REQUESTS;
  const seen = Object.entries(counts).map(([peer, n]) => `${peer} ${n}`);
  console.log(`endpoint saw: ${seen.join(', ')} (expected ${expected} per peer)`);

  const medians = {};
  for (const name of names) {
    medians[name] = median(rates[name]);
    const spread = `${Math.round(Math.min(...rates[name]))}-${Math.round(Math.max(...rates[name]))}`;
    console.log(
      `${name.padEnd(12)} ${Math.round(medians[name])} req/s median of ${ROUNDS} x ${REQUESTS} (range ${spread}, ${CONCURRENCY} concurrent)`,
    );
  }
  // Also the median of the per-round ratios: peers in one round saw about the same machine load.
  const pairedRatio = (a, b) => median(rates[a].map((rate, round) => rate / rates[b][round]));
  const report = (label, a, b, target) => {
    const ratio = medians[a] / medians[b];
    console.log(
      `ratio ${label}: ${ratio.toFixed(2)}x (per-round median ${pairedRatio(a, b).toFixed(2)}x; target >= ${target}x) ${ratio >= target ? 'ok' : 'BELOW TARGET'}`,
    );
  };
  report('ours/official-pusher', 'ours', 'official', 2.5);
  report('ours/undici-pool', 'ours', 'undici-pool', 0.8);
  const aside = medians['ours-stepped-aside'] / medians.official;
  console.log(
    `ratio ours-stepped-aside/official-pusher: ${aside.toFixed(2)}x (per-round median ${pairedRatio('ours-stepped-aside', 'official').toFixed(2)}x; no target: the path taken while an interceptor is installed)`,
  );
  console.log(`(${((performance.now() - benchStarted) / 1000).toFixed(1)} s)`);
  ours.close();
  await pool.close();
  child.kill();
}
