/**
 * @module ws/rate-limiter
 * A fixed one-second window counter, one per connection, for client events
 * (`clientEventsPerSecond`, Pusher's default 10/s). `0` means unlimited.
 */

const WINDOW_MS = 1000;

export class PerSecondLimiter {
  readonly #limit: number;
  readonly #now: () => number;
  #windowStart = 0;
  #count = 0;

  constructor(limitPerSecond: number, now: () => number = Date.now) {
    this.#limit = limitPerSecond;
    this.#now = now;
  }

  /** Counts one action; false when it is over the limit (and must be dropped). */
  tryTake(): boolean {
    if (this.#limit <= 0) return true;
    const now = this.#now();
    if (now - this.#windowStart >= WINDOW_MS) {
      this.#windowStart = now;
      this.#count = 0;
    }
    if (this.#count >= this.#limit) return false;
    this.#count += 1;
    return true;
  }
}
