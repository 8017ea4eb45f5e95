/**
 * @module output
 * How commands print: a human-readable text by default, the raw JSON result with `--json`; and
 * how failures are reported on stderr (the error's class name, HTTP status and message), with the
 * app secret scrubbed from anything printed.
 */
import type { CliIo } from './cli-io';

/** Print a command's result: `json` as one JSON document, else the human text. */
export function printResult(
  io: CliIo,
  options: { json: boolean },
  result: unknown,
  human: () => string,
): void {
  if (options.json) {
    io.stdout.write(`${JSON.stringify(result ?? {}, null, 2)}\n`);
    return;
  }
  const text = human();
  io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
}

/** What the CLI prints about a failure. */
export interface ErrorReport {
  readonly name: string;
  readonly status?: number;
  readonly message: string;
}

/** Extract name, HTTP status and message from anything thrown, without the secrets. */
export function describeError(error: unknown, secrets: readonly string[] = []): ErrorReport {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const status = readStatus(error);
  const report: { name: string; status?: number; message: string } = {
    name,
    message: scrub(message, secrets),
  };
  if (status !== undefined) report.status = status;
  return report;
}

function readStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  const status = (error as { status: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** Replace every occurrence of each non-empty secret with `[redacted]`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length > 0) result = result.split(secret).join('[redacted]');
  }
  return result;
}

/**
 * Print a failure on stderr: `Name (status): message` for people, or
 * `{"error":{"name","status","message"}}` with `--json`.
 */
export function printError(
  io: CliIo,
  options: { json: boolean },
  error: unknown,
  secrets: readonly string[] = [],
): void {
  const report = describeError(error, secrets);
  if (options.json) {
    io.stderr.write(`${JSON.stringify({ error: report })}\n`);
    return;
  }
  const status = report.status === undefined ? '' : ` (${report.status})`;
  io.stderr.write(`pushwire: ${report.name}${status}: ${report.message}\n`);
}
