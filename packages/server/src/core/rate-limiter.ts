/**
 * @module core/rate-limiter
 * A fixed one-second window counter, one per connection, for client events
 * (`clientEventsPerSecond`, Pusher's default 10/s). `0` means unlimited. It also tells the first
 * refusal of a window from the next ones, so a flood is answered with one error per window, not one
 * per dropped event.
 */

/** The outcome of {@link PerSecondLimiter.take}. */
export type RateDecision = 'allowed' | 'refused' | 'refused_again';

const WINDOW_MS = 1000;

export class PerSecondLimiter {
  readonly #limit: number;
  readonly #now: () => number;
  #windowStart = 0;
  #count = 0;
  #refusedInWindow = false;

  constructor(limitPerSecond: number, now: () => number = Date.now) {
    this.#limit = limitPerSecond;
    this.#now = now;
  }

  /** Counts one action; false when it is over the limit (and must be dropped). */
  tryTake(): boolean {
    return this.take() === 'allowed';
  }

  /**
   * Counts one action: `allowed`, or over the limit: `refused` the first time in the current
   * window (tell the client), `refused_again` after that (drop it without an answer).
   */
  take(): RateDecision {
    if (this.#limit <= 0) return 'allowed';
    const now = this.#now();
    if (now - this.#windowStart >= WINDOW_MS) {
      this.#windowStart = now;
      this.#count = 0;
      this.#refusedInWindow = false;
    }
    if (this.#count < this.#limit) {
      this.#count += 1;
      return 'allowed';
    }
    if (this.#refusedInWindow) return 'refused_again';
    this.#refusedInWindow = true;
    return 'refused';
  }
}
