/**
 * @module cli-io
 * The streams and environment a command runs against. `bin.ts` passes the real process ones;
 * keeping them in one object lets every command be called (and reasoned about) without globals.
 */

/** Where a command reads input, writes output and finds its environment. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process exit codes of the `pushwire` command. */
export const ExitCode = {
  /** The command did what was asked. */
  Ok: 0,
  /** The request failed: API error (4xx/5xx), network error, timeout, or the server failed. */
  Failure: 1,
  /** The command line was wrong: unknown command or flag, missing or malformed argument. */
  Usage: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
