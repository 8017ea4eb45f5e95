#!/usr/bin/env node
// The project's test command (`npm test`): checks prerequisites, builds every package, runs the
// vitest projects and the runtime matrix, and ends with one line `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUN_EXCLUDED_TESTS, BUN_PROJECTS, bunTestNamePattern } from './bun-transport-tests.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let passed = 0;
let failed = 0;

function run(command, commandArgs, options = {}) {
  console.log(`\n$ ${command} ${commandArgs.join(' ')}`);
  return spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
}

function fatal(message) {
  console.error(`\nFATAL: ${message}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

// 1. Prerequisites: never skip a test because something is missing; install it or fail.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 16))
  fatal(`Node >= 20.16 is required, found ${process.version}`);
/** Debian packages the suites need (each with the reason), installed when possible, else fatal. */
const SYSTEM_PACKAGES = [
  { command: 'redis-server', pkg: 'redis-server', why: 'the Redis tests need it' },
  {
    command: 'redis-cli',
    pkg: 'redis-tools',
    why: 'the Redis Cluster tests create their 3-master cluster with `redis-cli --cluster create`',
  },
  { command: 'openssl', pkg: 'openssl', why: 'the TLS tests make their certificates with it' },
  { command: 'chromium', pkg: 'chromium', why: "the debug console's browser test runs in it" },
];
for (const { command, pkg, why } of SYSTEM_PACKAGES) {
  if (has(command)) continue;
  if (process.getuid?.() === 0 && has('apt-get')) {
    console.log(`${command} is missing: installing the Debian package (${why})`);
    run('sh', [
      '-c',
      `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkg}`,
    ]);
  }
  if (!has(command))
    fatal(
      `${command} is not on PATH (${why}). Install it (Debian: apt-get install ${pkg}) and run again.`,
    );
}
// The Redis Cluster tests use sharded pub/sub (SSUBSCRIBE / SPUBLISH): Redis 7 or later.
const redisVersion = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout ?? '';
const redisMajor = Number(/v=(\d+)\./.exec(redisVersion)?.[1] ?? 0);
if (redisMajor < 7)
  fatal(
    `the Redis tests need redis-server 7 or later (sharded pub/sub), found: ${redisVersion.trim()}`,
  );
if (!existsSync(join(root, 'node_modules', '.bin', 'vitest')))
  fatal('dependencies are missing: run `npm install` first');
if (!existsSync(join(root, 'runtime-tests', 'node_modules', '.bin', 'bun'))) {
  const install = run('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: join(root, 'runtime-tests'),
  });
  if (install.status !== 0)
    fatal('could not install the runtime matrix (runtime-tests/package.json)');
}

// 2. Build: the runtime matrix, the CLI tests and the multi-node tests run the built packages.
if (run('npm', ['run', 'build', '--silent']).status !== 0) fatal('the build failed');

// 3. The vitest projects (unit, loopback, conformance with real clients, Redis, CLI, e2e).
mkdirSync(join(root, '.test-results'), { recursive: true });
const report = join(root, '.test-results', 'vitest.json');
const vitest = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${report}`,
  ...args,
]);
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests ?? 0;
  failed +=
    (result.numFailedTests ?? 0) + (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
  if (result.numPendingTests)
    console.error(
      `${result.numPendingTests} test(s) were skipped: a skip counts as a failure here`,
    );
  if (vitest.status !== 0 && failed === 0) failed += 1;
} else {
  failed += 1;
}

// 3b. The server's wire tests again under Bun, on its native WebSocket transport. The tests that
// check node:http-only behaviour are listed, with the reason, in scripts/bun-transport-tests.mjs.
if (args.length === 0) {
  const bunReport = join(root, '.test-results', 'vitest-bun.json');
  const bun = join(root, 'runtime-tests', 'node_modules', '.bin', 'bun');
  const bunRun = run(
    bun,
    [
      '--bun',
      join('node_modules', '.bin', 'vitest'),
      'run',
      ...BUN_PROJECTS.flatMap((project) => ['--project', project]),
      '-t',
      bunTestNamePattern(),
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${bunReport}`,
    ],
    { env: { ...process.env, PATH: `${dirname(bun)}:${process.env.PATH ?? ''}` } },
  );
  if (existsSync(bunReport)) {
    const result = JSON.parse(readFileSync(bunReport, 'utf8'));
    const skipped = (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
    passed += result.numPassedTests ?? 0;
    failed += result.numFailedTests ?? 0;
    // Only the listed tests may be left out; any other skip counts as a failure.
    const unexpected = Math.abs(skipped - BUN_EXCLUDED_TESTS.length);
    if (unexpected > 0)
      console.error(`Bun run: ${skipped} skipped, ${BUN_EXCLUDED_TESTS.length} listed as excluded`);
    failed += unexpected;
    console.log(
      `Bun transport: ${result.numPassedTests ?? 0} passed, ${result.numFailedTests ?? 0} failed, ${skipped} excluded (scripts/bun-transport-tests.mjs)`,
    );
    if (bunRun.status !== 0 && (result.numFailedTests ?? 0) === 0 && unexpected === 0) failed += 1;
  } else {
    failed += 1;
  }
}

// 4. The packed SDK on every runtime we claim (Node 20, Node 24, Bun, Deno, edge-runtime, workerd).
if (args.length === 0) {
  const matrix = spawnSync('node', ['runtime-tests/run.mjs'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(matrix.stdout ?? '');
  const line = /(\d+) passed, (\d+) failed/.exec(matrix.stdout ?? '');
  if (line) {
    passed += Number(line[1]);
    failed += Number(line[2]);
  }
  if (matrix.status !== 0 && (!line || Number(line[2]) === 0)) failed += 1;
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
