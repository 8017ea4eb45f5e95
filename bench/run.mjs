/**
 * @module bench/run
 * `npm run bench`: runs every `bench/*.mjs` script except this one, one after another, with
 * their output passed through. Writes nothing itself; exits non-zero when any script failed.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
const scripts = readdirSync(here)
  .filter((name) => name.endsWith('.mjs') && name !== self)
  .sort();

/** Run one script with inherited stdio; resolve to its exit code (1 when killed by a signal). */
function run(script) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, script)], { stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('exit', (code, signal) => resolve(signal === null ? (code ?? 1) : 1));
  });
}

const failed = [];
for (const script of scripts) {
  console.log(`\n=== ${script} ===`);
  const started = Date.now();
  const code = await run(script);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`=== ${script}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${seconds} s ===`);
  if (code !== 0) failed.push(script);
}

if (scripts.length === 0) console.log('No benchmark scripts found in bench/.');
if (failed.length > 0) {
  console.error(`\n${failed.length} benchmark(s) failed: ${failed.join(', ')}`);
  process.exit(1);
}
