/**
 * @module e2e/helpers/wait
 * Waiting for things that happen asynchronously, with a deadline that fails the test with a
 * message saying what never happened (instead of hanging until the test timeout).
 */

/** Default time to wait for one step of a round trip. */
export const STEP_TIMEOUT_MS = 10_000;

/** Resolve with what `register` hands to its callback, or reject after `timeoutMs`. */
export function waitFor<T>(
  what: string,
  register: (resolve: (value: T) => void, reject: (error: Error) => void) => void,
  timeoutMs = STEP_TIMEOUT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
    register(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Poll `check` until it returns a value other than undefined. */
export async function waitUntil<T>(
  what: string,
  check: () => T | undefined,
  timeoutMs = STEP_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
