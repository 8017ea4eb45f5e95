/**
 * @module core/lifetime-tracker
 * Counts the connections whose close cleanup has not finished, so that shutdown can wait for all
 * of them: one counter and one shared promise for the whole node, instead of a promise, its
 * resolver and a map entry per connection.
 */

export class LifetimeTracker {
  #open = 0;
  #idle: Promise<void> | undefined;
  #resolveIdle: (() => void) | undefined;

  /** A connection began its life (it must call {@link end} once its cleanup finished). */
  begin(): void {
    this.#open += 1;
  }

  /** A connection finished its close cleanup. */
  end(): void {
    this.#open -= 1;
    if (this.#open > 0 || this.#resolveIdle === undefined) return;
    this.#resolveIdle();
    this.#idle = undefined;
    this.#resolveIdle = undefined;
  }

  /** Connections alive or still cleaning up. */
  get open(): number {
    return this.#open;
  }

  /** Resolves once every connection that began has ended. */
  settled(): Promise<void> {
    if (this.#open === 0) return Promise.resolve();
    this.#idle ??= new Promise<void>((resolve) => {
      this.#resolveIdle = resolve;
    });
    return this.#idle;
  }
}
