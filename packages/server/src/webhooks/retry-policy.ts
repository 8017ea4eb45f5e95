/**
 * @module webhooks/retry-policy
 * When to retry a failed webhook POST: exponential backoff with jitter, for at most a total window
 * (Pusher retries for 5 minutes).
 */

/** Total time during which a failing webhook is retried. */
export const DEFAULT_RETRY_WINDOW_MS = 300_000;
/** Delay before the first retry (doubled on each following one). */
export const DEFAULT_RETRY_BASE_DELAY_MS = 1_000;
/** Longest single delay between two attempts. */
export const DEFAULT_RETRY_MAX_DELAY_MS = 60_000;

/** Parameters of {@link nextRetryDelayMs}. */
export interface RetryPolicy {
  readonly windowMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Uniform random number in [0, 1) (injectable for tests). */
  readonly random: () => number;
}

/**
 * The delay before attempt `attempt + 1` after `attempt` failed attempts (1-based), or `undefined`
 * when the retry would start after the window that began at the first attempt.
 * The delay is `min(base * 2^(attempt-1), max)` scaled by a jitter factor in [0.5, 1).
 */
export function nextRetryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  elapsedMs: number,
): number | undefined {
  const exponential = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  const delay = Math.round(exponential * (0.5 + policy.random() / 2));
  return elapsedMs + delay > policy.windowMs ? undefined : delay;
}
