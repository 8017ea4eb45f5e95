/**
 * @module observability/logger
 * Structured logging for the server: one line per entry, JSON for machines or a short pretty form
 * for terminals. Fields whose name looks secret are redacted, and configured secret values are
 * scrubbed from every line, so an app secret or a request signature never reaches the output.
 */

import type { Logger as LoggerShape } from '@pushwire/sdk';

/** Severity of a log entry, from quietest to noisiest. `silent` disables logging. */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

/** Every log level, in increasing verbosity. */
export const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];

/**
 * What the server logs through: the SDK's `Logger` with all four levels, each taking a message and
 * structured fields. Any object with these four methods works (pino, console, ...).
 */
export type Logger = Required<LoggerShape>;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Entries below this level are dropped. @default 'info' */
  readonly level?: LogLevel;
  /** `json`: one JSON object per line; `pretty`: `time LEVEL message key=value`. @default 'json' */
  readonly format?: 'json' | 'pretty';
  /** Where lines go (each without a trailing newline). @default a write to process.stderr */
  readonly write?: (line: string) => void;
  /**
   * Values that must never appear in output (app secrets); each is replaced by `[redacted]`. A
   * function is asked at each line, so secrets of apps added later (`server.reloadApps()`, the
   * Redis app store) are scrubbed too.
   */
  readonly secrets?: readonly string[] | (() => Iterable<string>);
}

/** Field names whose values are always replaced by `[redacted]`. */
const SECRET_FIELD_PATTERN = /secret|signature|password|token|master_?key|authorization/i;
const REDACTED = '[redacted]';
/** Secrets shorter than this are not scrubbed from text (too likely to match ordinary words). */
const MIN_SCRUBBED_SECRET_LENGTH = 4;

const LEVEL_RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** True when `value` is one of the {@link LOG_LEVELS}. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(LEVEL_RANK, value);
}

/** A logger that drops everything. */
export const silentLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
});

function writeToStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELD_PATTERN.test(key)) out[key] = REDACTED;
    else if (value instanceof Error) out[key] = { name: value.name, message: value.message };
    else out[key] = value;
  }
  return out;
}

function stringifySafely(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '"[unserializable]"';
  }
}

/** Creates a {@link Logger} writing structured lines. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVEL_RANK[options.level ?? 'info'];
  const write = options.write ?? writeToStderr;
  const pretty = options.format === 'pretty';
  const given = options.secrets ?? [];
  const fixed =
    typeof given === 'function'
      ? undefined
      : given.filter((s) => s.length >= MIN_SCRUBBED_SECRET_LENGTH);

  const scrub = (line: string): string => {
    let result = line;
    for (const secret of fixed ?? (given as () => Iterable<string>)()) {
      if (secret.length >= MIN_SCRUBBED_SECRET_LENGTH && result.includes(secret)) {
        result = result.split(secret).join(REDACTED);
      }
    }
    return result;
  };

  const emit = (
    level: Exclude<LogLevel, 'silent'>,
    message: string,
    fields?: Record<string, unknown>,
  ) => {
    if (LEVEL_RANK[level] > threshold) return;
    const safeFields = fields === undefined ? undefined : redactFields(fields);
    const time = new Date().toISOString();
    let line: string;
    if (pretty) {
      const pairs =
        safeFields === undefined
          ? ''
          : Object.entries(safeFields)
              .map(
                ([key, value]) =>
                  ` ${key}=${typeof value === 'string' ? value : stringifySafely(value)}`,
              )
              .join('');
      line = `${time} ${level.toUpperCase().padEnd(5)} ${message}${pairs}`;
    } else {
      line = stringifySafely({ time, level, msg: message, ...safeFields });
    }
    write(scrub(line));
  };

  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}
