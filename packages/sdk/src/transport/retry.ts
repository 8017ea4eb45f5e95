/**
 * @module transport/retry
 * The retry policy as pure functions: which failures are retried and after how long.
 *
 * - A failure before any connection existed (DNS, refused, unreachable, connect timeout) is
 *   retried for every method: the request was never sent.
 * - 429 and 503 are retried for every method, honouring `Retry-After` (capped).
 * - GETs are also retried on other 5xx and on any transport failure or timeout.
 * - POSTs are never retried once the request may have reached the server: Pusher has no
 *   idempotency key, so a retry could publish an event twice.
 */
import { parseRetryAfterMs } from '../errors';

/** Retry settings. */
export interface RetryOptions {
  /** Retries after the first attempt. @default 2 */
  readonly retries?: number;
  /** First backoff delay, in ms. @default 100 */
  readonly minDelayMs?: number;
  /** Largest backoff delay, in ms. @default 2000 */
  readonly maxDelayMs?: number;
  /** Largest wait honoured from a `Retry-After` header, in ms. @default 10000 */
  readonly maxRetryAfterMs?: number;
}

/** `retry` option: a number of retries, settings, or `false` for none. */
export type RetryOption = number | false | RetryOptions;

export interface ResolvedRetryOptions {
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRIES = 2;
export const DEFAULT_RETRY_MIN_DELAY_MS = 100;
export const DEFAULT_RETRY_MAX_DELAY_MS = 2_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 10_000;

/** The failed attempt, as the policy sees it. */
export type AttemptOutcome =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string | undefined }
  | { readonly kind: 'network'; readonly connectPhase: boolean; readonly timedOut: boolean };

/** Whether to retry after `outcome` of attempt number `attempt` (0 = the first attempt). */
export function shouldRetry(input: {
  readonly method: string;
  readonly attempt: number;
  readonly options: ResolvedRetryOptions;
  readonly outcome: AttemptOutcome;
}): boolean {
  const { method, attempt, options, outcome } = input;
  if (attempt >= options.retries) return false;
  const idempotent = method === 'GET' || method === 'HEAD';
  if (outcome.kind === 'network') return outcome.connectPhase || idempotent;
  const { status } = outcome;
  if (status === 429 || status === 503) return true;
  return idempotent && (status === 408 || (status >= 500 && status <= 599));
}

/**
 * Delay before retry number `attempt + 1`: `Retry-After` when given (capped at
 * `maxRetryAfterMs`), else exponential backoff from `minDelayMs` up to `maxDelayMs` with jitter
 * (between half and the full delay). `random` is `Math.random` unless a test injects one.
 */
export function retryDelayMs(input: {
  readonly attempt: number;
  readonly options: ResolvedRetryOptions;
  readonly retryAfter?: string | undefined;
  readonly nowMs: number;
  readonly random?: () => number;
}): number {
  const { attempt, options } = input;
  const hinted = parseRetryAfterMs(input.retryAfter, input.nowMs);
  if (hinted !== undefined) return Math.min(hinted, options.maxRetryAfterMs);
  const exponential = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** attempt);
  const random = input.random ?? Math.random;
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}
