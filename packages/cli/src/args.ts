/**
 * @module args
 * Strict argument parsing on top of `node:util` parseArgs: unknown flags, missing values and
 * surplus positionals become a {@link UsageError} (exit code 2) naming the command.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error';

/** One flag as `node:util` parseArgs understands it. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The parsed value of each flag: string(s) or boolean, undefined when absent. */
export type FlagValues<S extends FlagSpecs> = {
  [K in keyof S]?: S[K]['type'] extends 'boolean'
    ? boolean
    : S[K]['multiple'] extends true
      ? string[]
      : string;
};

export interface ParsedArgs<S extends FlagSpecs> {
  readonly flags: FlagValues<S>;
  readonly positionals: readonly string[];
}

/** Flags every command accepts. */
export const COMMON_FLAGS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
} as const satisfies FlagSpecs;

/**
 * Parse `argv` for `command` with the given flags (strict: anything unknown is a usage error).
 * `maxPositionals` bounds the positional arguments.
 */
export function parseCommandArgs<S extends FlagSpecs>(
  command: string,
  argv: readonly string[],
  specs: S,
  maxPositionals: number,
): ParsedArgs<S> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: specs as Record<string, FlagSpec>,
      strict: true,
      allowPositionals: true,
    }) as { values: Record<string, unknown>; positionals: string[] };
  } catch (error) {
    throw new UsageError(describeParseError(error), { command, cause: error });
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals).join(' ');
    throw new UsageError(`unexpected argument(s): ${extra}`, { command });
  }
  return { flags: parsed.values as FlagValues<S>, positionals: parsed.positionals };
}

function describeParseError(error: unknown): string {
  if (!(error instanceof Error)) return 'invalid arguments';
  // parseArgs messages are precise but long; keep their first sentence.
  const firstSentence = error.message.split('. ')[0] ?? error.message;
  return firstSentence.replace(/\.$/, '');
}

/** Parse a flag that must be a positive integer (ports, timeouts). */
export function parseIntegerFlag(
  command: string,
  flag: string,
  value: string,
  range: { min: number; max: number },
): number {
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < range.min || parsed > range.max) {
    throw new UsageError(
      `--${flag} must be an integer from ${range.min} to ${range.max}, got "${value}"`,
      { command },
    );
  }
  return parsed;
}

/** Parse a flag whose value is JSON (user info, user data). */
export function parseJsonFlag(command: string, flag: string, value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new UsageError(`--${flag} must be valid JSON`, { command });
  }
}
