/**
 * @module runtime-tests/run
 * The runtime matrix: packs @pushwire/sdk (build it first: `npm run build -w @pushwire/sdk`),
 * installs the tarball into runtime-tests/.work, and runs one shared check script on Node 20 (ESM
 * and CJS), Node 24, Bun, Deno, @edge-runtime/vm and Cloudflare's workerd, against a signature-checking endpoint on
 * 127.0.0.1. Prints `ok <runtime>` or `FAIL <runtime>` per runtime and `N passed, N failed`;
 * exits non-zero on any failure, including a missing runtime (nothing is ever skipped).
 * Usage: node runtime-tests/run.mjs
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ENCRYPTED_CHANNEL,
  ENCRYPTED_SECRET,
  ENDPOINT_APP,
  RESULT_PREFIX,
} from './check/checks.mjs';
import { startEndpoint } from './check/endpoint.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const SDK_DIR = join(ROOT, 'packages', 'sdk');
const WORK = join(HERE, '.work');
const BIN = join(HERE, 'node_modules', '.bin');
const RUNTIME_TIMEOUT_MS = 30_000;
const MASTER_KEY_BASE64 = 'zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=';

function fail(message) {
  console.error(`runtime-tests: ${message}`);
  process.exit(2);
}

function preflight() {
  if (!existsSync(join(HERE, 'node_modules'))) {
    fail('runtime-tests/node_modules is missing: install runtime-tests/package.json first');
  }
  for (const file of ['index.js', 'index.cjs', 'index.d.ts']) {
    if (!existsSync(join(SDK_DIR, 'dist', file))) {
      fail(`packages/sdk/dist/${file} is missing: run \`npm run build -w @pushwire/sdk\` first`);
    }
  }
}

/** npm pack the SDK into .work and unpack it as .work/node_modules/@pushwire/sdk (+ tweetnacl). */
function installTarball() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', WORK], {
      cwd: SDK_DIR,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const tarball = join(WORK, packed[0].filename);
  const target = join(WORK, 'node_modules', '@pushwire', 'sdk');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  const tweetnacl = dirname(
    createRequire(join(ROOT, 'package.json')).resolve('tweetnacl/package.json'),
  );
  cpSync(tweetnacl, join(WORK, 'node_modules', 'tweetnacl'), { recursive: true });
  const version = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).version;
  writeFileSync(
    join(WORK, 'package.json'),
    JSON.stringify({
      name: 'pushwire-runtime-work',
      private: true,
      type: 'module',
      dependencies: { '@pushwire/sdk': version, tweetnacl: '^1.0.3' },
    }),
  );
  for (const file of [
    'checks.mjs',
    'entry-esm.mjs',
    'entry-cjs.cjs',
    'entry-edge.mjs',
    'entry-workerd.mjs',
  ]) {
    cpSync(join(HERE, 'check', file), join(WORK, file));
  }
  return packed[0].filename;
}

function parseResult(output) {
  const line = output.split('\n').find((text) => text.startsWith(RESULT_PREFIX));
  return line === undefined ? undefined : JSON.parse(line.slice(RESULT_PREFIX.length));
}

/** Runs `command args` in .work; resolves to the checks' result or a failure description. */
function runProcess(name, command, args, endpoint) {
  if (!existsSync(command)) {
    return Promise.resolve({ ok: false, checks: [], error: `runtime binary missing: ${command}` });
  }
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: WORK,
      env: {
        ...process.env,
        PUSHWIRE_RUNTIME_ENDPOINT: endpoint,
        PUSHWIRE_RUNTIME_NAME: name,
        NO_COLOR: '1',
        DENO_NO_UPDATE_CHECK: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUNTIME_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, checks: [], error: `could not start: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = parseResult(output);
      if (result === undefined) {
        const reason = signal === null ? `exit code ${code}` : `killed (${signal}, timeout)`;
        resolve({
          ok: false,
          checks: [],
          error: `${reason}, no result; output:\n${output.trim()}`,
        });
      } else {
        resolve({ ...result, ok: result.ok && code === 0 });
      }
    });
  });
}

/** The newest compatibility date this workerd supports (`workerd --version` prints it). */
function workerdDate(binary) {
  const printed = execFileSync(binary, ['--version'], { encoding: 'utf8' });
  const date = /(\d{4}-\d{2}-\d{2})/.exec(printed)?.[1];
  if (date === undefined) throw new Error(`cannot read workerd's date from "${printed.trim()}"`);
  return date;
}

/**
 * Bundles the Workers entry with esbuild, serves it with the real workerd (its newest
 * compatibility date, so Node compatibility is on by default) on a free loopback port, and asks
 * it to run the checks against the endpoint. Outbound requests may reach loopback (the endpoint).
 */
async function runWorkerd(name, endpoint) {
  const binary = join(BIN, 'workerd');
  if (!existsSync(binary))
    return { ok: false, checks: [], error: `runtime binary missing: ${binary}` };
  const esbuild = await import(
    pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('esbuild')).href
  );
  const bundle = await esbuild.build({
    entryPoints: [join(WORK, 'entry-workerd.mjs')],
    absWorkingDir: WORK,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'import'],
    external: ['crypto', 'node:*'],
    logLevel: 'silent',
  });
  writeFileSync(join(WORK, 'worker.mjs'), bundle.outputFiles[0].text);
  const port = await freePort();
  writeFileSync(
    join(WORK, 'workerd.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .checks),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const checks :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs")],
  compatibilityDate = "${workerdDate(binary)}",
  globalOutbound = "loopback",
);
`,
  );
  const child = spawn(binary, ['serve', 'workerd.capnp'], {
    cwd: WORK,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + RUNTIME_TIMEOUT_MS;
  try {
    for (;;) {
      try {
        const query = new URLSearchParams({ endpoint, runtime: name });
        const response = await fetch(`http://127.0.0.1:${port}/?${query}`);
        const result = await response.json();
        // workerd warns when a promise of one request settles in another's context: the sign of
        // a socket kept across requests. None may appear.
        if (/settled from a different request|cross-request/i.test(output)) {
          return {
            ok: false,
            checks: result.checks ?? [],
            error: `workerd warned:\n${output.trim()}`,
          };
        }
        return result;
      } catch (error) {
        if (Date.now() > deadline || child.exitCode !== null) {
          return {
            ok: false,
            checks: [],
            error: `workerd gave no result (${error.message}):\n${output.trim()}`,
          };
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    child.kill('SIGKILL');
  }
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Bundles the edge entry with esbuild and evaluates it in an EdgeVM (no Node globals). */
async function runEdge(name, endpoint) {
  const requireHere = createRequire(join(HERE, 'package.json'));
  const requireRoot = createRequire(join(ROOT, 'package.json'));
  let EdgeVM;
  let esbuild;
  try {
    ({ EdgeVM } = await import(pathToFileURL(requireHere.resolve('@edge-runtime/vm')).href));
    esbuild = await import(pathToFileURL(requireRoot.resolve('esbuild')).href);
  } catch (error) {
    return { ok: false, checks: [], error: `edge runtime or esbuild missing: ${error.message}` };
  }
  const bundle = await esbuild.build({
    entryPoints: [join(WORK, 'entry-edge.mjs')],
    absWorkingDir: WORK,
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    conditions: ['edge-light', 'worker'],
    external: ['crypto'],
    logLevel: 'silent',
  });
  const vm = new EdgeVM({
    extend: (context) => {
      context.__PUSHWIRE_ENV = { endpoint, runtime: name, fetch: (url, init) => fetch(url, init) };
      return context;
    },
  });
  const leaked = ['process', 'Buffer', 'require', 'Deno', 'Bun'].filter(
    (global) => vm.evaluate(`typeof globalThis.${global}`) !== 'undefined',
  );
  if (leaked.length > 0)
    return { ok: false, checks: [], error: `EdgeVM exposes ${leaked.join(', ')}` };
  vm.evaluate(bundle.outputFiles[0].text);
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, checks: [], error: 'timed out' }),
      RUNTIME_TIMEOUT_MS,
    );
  });
  const result = await Promise.race([vm.context.__PUSHWIRE_RESULT, timeout]);
  clearTimeout(timer);
  return result;
}

function describe(result) {
  if (result.error !== undefined) return result.error;
  return result.checks
    .filter((check) => !check.ok)
    .map((check) => `${check.name}: ${check.error}`)
    .join('; ');
}

async function main() {
  preflight();
  const started = Date.now();
  const tarball = installTarball();
  console.log(`packed ${tarball}`);
  const endpoint = await startEndpoint(ENDPOINT_APP, {
    channel: ENCRYPTED_CHANNEL,
    masterKeyBase64: MASTER_KEY_BASE64,
    secret: ENCRYPTED_SECRET,
  });
  const hostMajor = process.versions.node.split('.')[0];
  const runtimes = [
    [
      `node${hostMajor}-esm`,
      (name) => runProcess(name, process.execPath, ['entry-esm.mjs'], endpoint.url),
    ],
    [
      `node${hostMajor}-cjs`,
      (name) => runProcess(name, process.execPath, ['entry-cjs.cjs'], endpoint.url),
    ],
    ['node24', (name) => runProcess(name, join(BIN, 'node'), ['entry-esm.mjs'], endpoint.url)],
    ['bun', (name) => runProcess(name, join(BIN, 'bun'), ['entry-esm.mjs'], endpoint.url)],
    [
      'deno',
      (name) =>
        runProcess(
          name,
          join(BIN, 'deno'),
          ['run', '--allow-env', '--allow-net', '--allow-read', '--allow-sys', 'entry-esm.mjs'],
          endpoint.url,
        ),
    ],
    ['edge-runtime', (name) => runEdge(name, endpoint.url)],
    ['workerd', (name) => runWorkerd(name, endpoint.url)],
  ];
  let passed = 0;
  let failed = 0;
  try {
    for (const [name, run] of runtimes) {
      let result;
      try {
        result = await run(name);
      } catch (error) {
        result = {
          ok: false,
          checks: [],
          error: error instanceof Error ? error.stack : String(error),
        };
      }
      const events = endpoint.received.get(name) ?? [];
      if (result.ok && !(events.includes('checked') && events.includes('sealed'))) {
        result = {
          ok: false,
          checks: [],
          error: `endpoint did not receive both triggers (got ${events})`,
        };
      }
      if (result.ok) {
        passed++;
        console.log(`ok ${name}`);
      } else {
        failed++;
        console.log(`FAIL ${name}: ${describe(result)}`);
      }
    }
  } finally {
    await endpoint.close();
  }
  if (hostMajor !== '20')
    console.log(`note: host Node is ${process.version}; the matrix expects Node 20`);
  console.log(
    `${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
