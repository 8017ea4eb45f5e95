// Benchmark: trigger throughput at 32 concurrent calls against a local keep-alive endpoint (a
// node:http server in a child process answering `{}`), side by side: ours (built dist), the
// official `pusher` package, and a bare undici Pool sending the same signed requests.
// Prints req/s per client and one summary line per ratio. Run: node bench/sdk-trigger.mjs
import { fork } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CONCURRENCY = 32;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 6000);
const WARMUP = 1000;
const ROUNDS = 3;
const APP = { appId: '1', key: 'bench-key', secret: 'bench-secret' };

if (process.argv[2] === 'server') {
  // As light as a node:http server gets, so the clients' own costs show: no per-request
  // timeouts, answer as soon as the request ends.
  const { createServer } = await import('node:http');
  const server = createServer(
    { requestTimeout: 0, headersTimeout: 0, keepAliveTimeout: 60_000 },
    (req, res) => {
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
        res.end('{}');
      });
      req.resume();
    },
  );
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
} else {
  await main();
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
      headers: { 'content-type': 'application/json', 'x-pusher-library': 'bench' },
      body,
    });
    const text = await responseBody.text();
    if (statusCode !== 200) throw new Error(`status ${statusCode}`);
    return JSON.parse(text);
  };

  const contenders = {
    ours: (i) => ours.trigger('bench-channel', 'bench-event', { ...data, i }),
    official: async (i) => {
      const response = await official.trigger('bench-channel', 'bench-event', { ...data, i });
      return response.json();
    },
    'undici-pool': (i) => undiciTrigger('bench-channel', 'bench-event', { ...data, i }),
  };

  async function run(send, total) {
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < total) await send(next++);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return total / ((performance.now() - started) / 1000);
  }

  const best = {};
  for (const send of Object.values(contenders)) await run(send, WARMUP);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, send] of Object.entries(contenders)) {
      const rate = await run(send, REQUESTS);
      best[name] = Math.max(best[name] ?? 0, rate);
    }
  }
  for (const [name, rate] of Object.entries(best)) {
    console.log(
      `${name.padEnd(12)} ${Math.round(rate)} req/s (best of ${ROUNDS} x ${REQUESTS}, ${CONCURRENCY} concurrent)`,
    );
  }
  const vsOfficial = best.ours / best.official;
  const vsUndici = best.ours / best['undici-pool'];
  console.log(
    `ratio ours/official-pusher: ${vsOfficial.toFixed(2)}x (target >= 2.5x) ${vsOfficial >= 2.5 ? 'ok' : 'BELOW TARGET'}`,
  );
  console.log(
    `ratio ours/undici-pool: ${vsUndici.toFixed(2)}x (target >= 0.8x) ${vsUndici >= 0.8 ? 'ok' : 'BELOW TARGET'}`,
  );
  ours.close();
  await pool.close();
  child.kill();
}
