#!/usr/bin/env node
/**
 * @module scripts/build-exe
 * Builds `dist-exe/pushwire`: the CLI (server included, ioredis included) as one self-contained
 * executable, with `bun build --compile` (`npm run build:exe`). It runs on Bun's runtime, so
 * `pushwire serve` uses Bun.serve's native WebSockets. Compiled from the TypeScript sources, so no
 * package build is needed first.
 *
 *   node scripts/build-exe.mjs [--outfile PATH] [--target bun-linux-arm64 ...]
 *
 * The Bun used is $BUN, else runtime-tests/node_modules/.bin/bun (`npm install` in runtime-tests),
 * else `bun` on the PATH. The host target needs no download; another `--target` makes Bun
 * download that platform's runtime once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: { outfile: { type: 'string' }, target: { type: 'string' } },
});
const outfile = resolve(values.outfile ?? join(root, 'dist-exe', 'pushwire'));

/** The Bun executable to compile with. */
function findBun() {
  if (process.env.BUN) return process.env.BUN;
  const local = join(root, 'runtime-tests', 'node_modules', '.bin', 'bun');
  if (existsSync(local)) return local;
  return 'bun';
}

const { version } = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8'));
mkdirSync(dirname(outfile), { recursive: true });

const args = [
  'build',
  '--compile',
  join(root, 'packages/cli/src/bin.ts'),
  // The CLI reads its version from package.json, which is not inside the executable.
  '--define',
  `__PUSHWIRE_VERSION__=${JSON.stringify(version)}`,
  '--outfile',
  outfile,
  ...(values.target === undefined ? [] : ['--target', values.target]),
];
const bun = findBun();
const result = spawnSync(bun, args, { cwd: root, stdio: 'inherit' });
if (result.error !== undefined) {
  process.stderr.write(
    `build-exe: cannot run ${bun} (${result.error.message}). Install Bun, or run ` +
      '`npm install` in runtime-tests/, or set BUN=/path/to/bun.\n',
  );
  process.exit(1);
}
if (result.status !== 0) process.exit(result.status ?? 1);
process.stdout.write(`build-exe: wrote ${outfile} (pushwire ${version})\n`);
