/**
 * @module bench/sdk-auth-webhook
 * Channel authorization and webhook verification throughput: @pushwire/sdk (the built dist)
 * against the official `pusher` package, side by side in one process. Rounds alternate between
 * the two so machine load hits both alike; each result is the median ops/s of its rounds and
 * is reported as a ratio (ours / official, higher is better). Needs `npm run build -w @pushwire/sdk`.
 */
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DIST = fileURLToPath(new URL('../packages/sdk/dist/index.js', import.meta.url));
if (!existsSync(DIST)) {
  console.error(
    'bench/sdk-auth-webhook: packages/sdk/dist is missing; run `npm run build -w @pushwire/sdk`',
  );
  process.exit(1);
}
const ours = await import(pathToFileURL(DIST).href);
const OfficialPusher = createRequire(import.meta.url)('pusher');

const ROUNDS = 5;
const ROUND_MS = 250;
const WARMUP_MS = 200;
const APP = { appId: '1', key: 'bench-key', secret: 'bench-secret-0123456789', cluster: 'mt1' };

const oursClient = new ours.Pusher(APP);
const officialClient = new OfficialPusher(APP);

const webhookBody = JSON.stringify({
  time_ms: 1_700_000_000_000,
  events: [
    { name: 'member_added', channel: 'presence-room', user_id: '42' },
    {
      name: 'client_event',
      channel: 'private-room',
      event: 'client-typing',
      data: '{"typing":true}',
      socket_id: '1.2',
    },
  ],
});
const webhookHeaders = {
  'x-pusher-key': APP.key,
  'x-pusher-signature': createHmac('sha256', APP.secret).update(webhookBody).digest('hex'),
  'content-type': 'application/json',
};
const presence = { user_id: '42', user_info: { name: 'Ada' } };

const cases = [
  {
    name: 'authorizeChannel private-',
    ours: (i) => oursClient.authorizeChannel(`${i}.1`, 'private-room'),
    official: (i) => officialClient.authorizeChannel(`${i}.1`, 'private-room'),
  },
  {
    name: 'authorizeChannel presence-',
    ours: (i) => oursClient.authorizeChannel(`${i}.1`, 'presence-room', presence),
    official: (i) => officialClient.authorizeChannel(`${i}.1`, 'presence-room', presence),
  },
  {
    name: 'webhook isValid (construct + verify)',
    ours: () => oursClient.webhook({ headers: webhookHeaders, body: webhookBody }).isValid(),
    official: () =>
      officialClient.webhook({ headers: webhookHeaders, rawBody: webhookBody }).isValid(),
  },
];

/** Ops per second of `fn` over about `ms` milliseconds. */
function measure(fn, ms) {
  let ops = 0;
  let sink = 0;
  const start = performance.now();
  const end = start + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) {
      const result = fn(ops + i);
      if (result) sink++;
    }
    ops += 200;
  }
  if (sink === 0) throw new Error('benchmark function returned nothing truthy');
  return (ops * 1000) / (performance.now() - start);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const format = (opsPerSecond) => `${Math.round(opsPerSecond).toLocaleString('en-US')} ops/s`;

for (const bench of cases) {
  if (bench.ours(1) === false || bench.official(1) === false) {
    throw new Error(`${bench.name}: a side does not accept the benchmark input`);
  }
  measure(bench.ours, WARMUP_MS);
  measure(bench.official, WARMUP_MS);
  const oursRuns = [];
  const officialRuns = [];
  for (let round = 0; round < ROUNDS; round++) {
    oursRuns.push(measure(bench.ours, ROUND_MS));
    officialRuns.push(measure(bench.official, ROUND_MS));
  }
  const a = median(oursRuns);
  const b = median(officialRuns);
  console.log(
    `${bench.name}: ours ${format(a)}, pusher ${format(b)}, ratio ${(a / b).toFixed(2)}x`,
  );
}
console.log(`(node ${process.version}; ${ROUNDS} alternating rounds of ${ROUND_MS} ms, medians)`);
