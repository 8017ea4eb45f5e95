/**
 * @module test/helpers/serve-process
 * `pushwire serve` as a child process on a free port: waits for its banner, exposes the port
 * and the output (and waits for a line in it), and stops it (SIGTERM, then SIGKILL if it hangs) at the end of the test.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { cleanEnv, spawnCollecting } from '@pushwire/test-support';
import { BIN } from './built-bin';

const BANNER_TIMEOUT_MS = 15_000;

export interface ServeProcess {
  readonly port: number;
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Send SIGTERM and resolve with the exit code (SIGKILL after a deadline). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start `pushwire serve --port 0 ...extraArgs` and resolve once it prints where it listens. */
export function startServe(
  extraArgs: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const { child, output, exited, stop } = spawnCollecting(
    process.execPath,
    [BIN, 'serve', '--port', '0', ...extraArgs],
    { env: cleanEnv(env) },
  );
  const printed = (): string => `${output().stdout}\n${output().stderr}`;

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`serve printed no banner in ${BANNER_TIMEOUT_MS} ms:\n${printed()}`));
    }, BANNER_TIMEOUT_MS);
    const check = (): void => {
      const match = /listening on https?:\/\/[^\s]+:(\d+)/.exec(output().stdout);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve({ port: Number(match[1]), child, output, stop });
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${printed()}`));
    });
  });
}

/** Resolves once `text` appears in the process's stdout or stderr. */
export async function waitForOutput(
  output: () => { stdout: string; stderr: string },
  text: string,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { stdout, stderr } = output();
    if (stdout.includes(text) || stderr.includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`"${text}" not printed:\n${output().stdout}\n${output().stderr}`);
}
