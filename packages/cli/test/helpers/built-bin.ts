/**
 * @module test/helpers/built-bin
 * Runs the built `pushwire` executable (`packages/cli/dist/bin.js`) as a child process (vitest's
 * global setup, test-support/src/build-once.ts, builds it before any test file starts).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, spawnCollecting } from '@pushwire/test-support';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const BIN = join(ROOT, 'packages/cli/dist/bin.js');
const RUN_TIMEOUT_MS = 20_000;

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
    const { child, output } = spawnCollecting(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: cleanEnv(options.env),
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pushwire ${args.join(' ')} did not finish in ${RUN_TIMEOUT_MS} ms`));
    }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, ...output() });
    });
    child.stdin.end(options.stdin ?? '');
  });
}
