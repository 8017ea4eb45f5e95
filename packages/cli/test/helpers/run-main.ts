/**
 * @module test/helpers/run-main
 * Runs the CLI in this process through `main()` with in-memory streams: the same result as
 * spawning the built executable (`runCli`), without starting a Node process per call. For
 * argument parsing, validation and the request commands; `serve` and the process-level behaviour
 * (signals, exit) are tested through the built executable.
 */
import { PassThrough, Readable } from 'node:stream';
import { cleanEnv } from '@pushwire/test-support';
import { main } from '../../src/main';
import type { CliResult } from './built-bin';

/** Run `pushwire ...args` in-process (env replaces PUSHER_* / PUSHWIRE_* of this process). */
export async function runMain(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const code = await main(args, {
    stdout,
    stderr,
    stdin: Readable.from([options.stdin ?? '']),
    env: { ...cleanEnv(), ...options.env },
  });
  return { code, stdout: out, stderr: err };
}
