/**
 * @module test-support/wait
 * Waiting with a deadline: `waitUntil` polls a condition, `within` bounds a promise, `waitFor`
 * bounds a callback registration. Each fails with a message saying what never happened, instead
 * of hanging until the test timeout.
 */

/** Default deadline of one wait. */
export const STEP_TIMEOUT_MS = 10_000;
/** Time between two polls. */
const POLL_INTERVAL_MS = 5;

/** What a condition returns while it does not hold: undefined, null or false. */
type NotYet = undefined | null | false;

/**
 * Polls `check` until it returns something other than undefined, null or false, and resolves with
 * that (true for a boolean condition, the found value for a lookup). Rejects after `timeoutMs`,
 * naming `what`.
 */
export function waitUntil<T>(
  check: () => T | Promise<T>,
  timeoutMs?: number,
): Promise<Exclude<T, NotYet>>;
export function waitUntil<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs?: number,
): Promise<Exclude<T, NotYet>>;
export async function waitUntil<T>(
  check: () => T | Promise<T>,
  whatOrTimeout: string | number = 'a condition',
  timeoutMs = STEP_TIMEOUT_MS,
): Promise<Exclude<T, NotYet>> {
  const what = typeof whatOrTimeout === 'string' ? whatOrTimeout : 'a condition';
  const limit = typeof whatOrTimeout === 'number' ? whatOrTimeout : timeoutMs;
  const deadline = Date.now() + limit;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) {
      return value as Exclude<T, NotYet>;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${limit} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Settles as `promise` does, or rejects naming `what` when it has not settled in `timeoutMs`. */
export async function within<T>(
  promise: Promise<T>,
  what: string,
  timeoutMs = STEP_TIMEOUT_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with what `register` hands to its callback, within `timeoutMs` (see {@link within}). */
export function waitFor<T>(
  what: string,
  register: (resolve: (value: T) => void, reject: (error: Error) => void) => void,
  timeoutMs = STEP_TIMEOUT_MS,
): Promise<T> {
  return within(new Promise<T>(register), what, timeoutMs);
}
