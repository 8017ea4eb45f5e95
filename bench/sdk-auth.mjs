// Benchmark: channel authorization (private and presence) and user authentication ops/s, ours
// (built dist) vs the official `pusher` package, side by side in one process.
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
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 100_000);
const ROUNDS = 3;
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
for (const [name, [a, b]] of Object.entries(cases)) {
  opsPerSecond(a);
  opsPerSecond(b);
  let bestOurs = 0;
  let bestOfficial = 0;
  for (let round = 0; round < ROUNDS; round++) {
    bestOurs = Math.max(bestOurs, opsPerSecond(a));
    bestOfficial = Math.max(bestOfficial, opsPerSecond(b));
  }
  console.log(
    `${name}: ours ${Math.round(bestOurs)} ops/s, official ${Math.round(bestOfficial)} ops/s; ratio ours/official-pusher: ${(bestOurs / bestOfficial).toFixed(2)}x`,
  );
}
