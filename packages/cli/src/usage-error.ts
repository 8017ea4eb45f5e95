/**
 * @module usage-error
 * The error for a wrong command line (exit code 2). Its message says what is wrong and, where it
 * helps, how to get help; it never contains a secret.
 */

/** A command line the CLI cannot act on: unknown flag, missing argument, malformed value. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose `--help` the user should read, when known. */
  readonly command: string | undefined;

  constructor(message: string, options: { command?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.command = options.command;
  }
}
