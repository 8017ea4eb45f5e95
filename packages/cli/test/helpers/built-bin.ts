/**
 * @module test/helpers/built-bin
 * Runs the built `pushwire` executable (`packages/cli/dist/bin.js`) as a child process, building
 * it first when needed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const BIN = join(ROOT, 'packages/cli/dist/bin.js');
const RUN_TIMEOUT_MS = 20_000;
/** Test files run in parallel workers: one builds while the others wait on this lock. */
const BUILD_LOCK = join(tmpdir(), 'pushwire-cli-test-build.lock');
const BUILD_LOCK_TIMEOUT_MS = 120_000;
const LOCK_POLL_MS = 100;

/** Packages in build order, with the entry that proves their dist is there. */
const PACKAGES = [
  { workspace: '@pushwire/sdk', dir: 'packages/sdk', entry: 'dist/index.js' },
  { workspace: '@pushwire/server', dir: 'packages/server', entry: 'dist/index.js' },
  { workspace: 'pushwire', dir: 'packages/cli', entry: 'dist/bin.js' },
] as const;

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Build what the tests need: a package whose dist is missing, and the CLI itself when its dist is
 * older than its sources. (A stale SDK or server dist is not rebuilt here, since other suites may
 * be running from it: `npm test` and `npm run build` rebuild everything.)
 */
export function ensureBuilt(): void {
  withBuildLock(() => {
    let rebuildRest = false;
    for (const pkg of PACKAGES) {
      const entry = join(ROOT, pkg.dir, pkg.entry);
      const isCli = pkg.workspace === 'pushwire';
      const stale =
        rebuildRest ||
        !existsSync(entry) ||
        (isCli && statSync(entry).mtimeMs < newestMtimeMs(join(ROOT, pkg.dir, 'src')));
      if (stale) {
        execFileSync('npm', ['run', 'build', '--silent', '-w', pkg.workspace], {
          cwd: ROOT,
          stdio: 'pipe',
        });
        rebuildRest = true;
      }
    }
  });
}

/** Run `work` holding a cross-process lock (an atomic mkdir), waiting for it when taken. */
function withBuildLock(work: () => void): void {
  const deadline = Date.now() + BUILD_LOCK_TIMEOUT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`build lock ${BUILD_LOCK} held for too long; remove it if stale`);
      }
      Atomics.wait(pause, 0, 0, LOCK_POLL_MS);
    }
  }
  try {
    work();
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `pushwire ...args` to completion (env replaces PUSHER_* / PUSHWIRE_* of this process). */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...cleanEnv(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pushwire ${args.join(' ')} did not finish in ${RUN_TIMEOUT_MS} ms`));
    }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** This process's environment without any Pusher or pushwire settings. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(PUSHER|PUSHWIRE)_/.test(name)) env[name] = value;
  }
  return env;
}
