// Benchmark: channel authorization (private and presence) and user authentication ops/s, ours
// (built dist) vs the official `pusher` package, side by side in one process, alternating rounds.
// Prints ops/s per case and one ratio line per case. Run: node bench/sdk-auth.mjs
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../packages/sdk/dist/index.js', import.meta.url));
if (!existsSync(dist)) {
  console.error('packages/sdk/dist is missing: run `npm run build -w @pushwire/sdk` first');
  process.exit(1);
}
const { Pusher } = await import(dist);
const { default: OfficialPusher } = await import('pusher');

const APP = { appId: '1', key: '278d425bdf160c739803', secret: '7ad3773142a6692b25b8' };
const ours = new Pusher(APP);
const official = new OfficialPusher(APP);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const presence = { user_id: '10', user_info: { name: 'Mr. Channels' } };

const cases = {
  'private channel': [
    (i) => ours.authorizeChannel(`${i}.1234`, 'private-foobar'),
    (i) => official.authorizeChannel(`${i}.1234`, 'private-foobar'),
  ],
  'presence channel': [
    (i) => ours.authorizeChannel(`${i}.1234`, 'presence-foobar', presence),
    (i) => official.authorizeChannel(`${i}.1234`, 'presence-foobar', presence),
  ],
  'user sign-in': [
    (i) => ours.authenticateUser(`${i}.1234`, { id: '12345' }),
    (i) => official.authenticateUser(`${i}.1234`, { id: '12345' }),
  ],
};

function opsPerSecond(fn) {
  let sink = 0;
  const started = performance.now();
  for (let i = 0; i < ITERATIONS; i++) sink += fn(i).auth.length;
  const seconds = (performance.now() - started) / 1000;
  if (sink === 0) throw new Error('unreachable');
  return ITERATIONS / seconds;
}

// Same answers first (key order aside): the comparison is meaningless otherwise.
const canonical = (value) => JSON.stringify(Object.fromEntries(Object.entries(value).sort()));
for (const [name, [a, b]] of Object.entries(cases)) {
  if (canonical(a(7)) !== canonical(b(7))) throw new Error(`${name}: results differ`);
}
const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
// Alternating rounds (the order flips every round); medians, so one noisy round cannot decide.
for (const [name, [a, b]] of Object.entries(cases)) {
  opsPerSecond(a);
  opsPerSecond(b);
  const ours = [];
  const theirs = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      ours.push(opsPerSecond(a));
      theirs.push(opsPerSecond(b));
    } else {
      theirs.push(opsPerSecond(b));
      ours.push(opsPerSecond(a));
    }
  }
  const ratio = median(ours) / median(theirs);
  console.log(
    `${name}: ours ${Math.round(median(ours))} ops/s, official ${Math.round(median(theirs))} ops/s (medians of ${ROUNDS}); ratio ours/official-pusher: ${ratio.toFixed(2)}x (target >= 1x) ${ratio >= 1 ? 'ok' : 'BELOW TARGET'}`,
  );
}
