/**
 * @module test-support/child-process
 * Child processes for tests: spawned with their stdout and stderr collected as text and a stop
 * that escalates to SIGKILL after a deadline; a plain SIGKILL that awaits the exit; and this
 * process's environment without the caller's PUSHER_* / PUSHWIRE_* settings.
 */
import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';

const STOP_TIMEOUT_MS = 10_000;

export interface CollectedChild {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code once the process exited. */
  readonly exited: Promise<number | null>;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code (SIGKILL after 10 s). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns `command args` (in `options.cwd`, with `options.env`) and collects what it prints. */
export function spawnCollecting(
  command: string,
  args: readonly string[],
  options: { readonly env: Record<string, string>; readonly cwd?: string },
): CollectedChild {
  const child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return { child, output: () => ({ stdout, stderr }), exited, stop };
}

/** Kills `child` with SIGKILL (like a crash) and resolves once it exited; nothing if it had. */
export async function killAndWait(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** This process's environment without any PUSHER_* / PUSHWIRE_* setting, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(PUSHER|PUSHWIRE)_/.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}
