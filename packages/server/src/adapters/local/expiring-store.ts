/**
 * @module adapters/local/expiring-store
 * Values that expire after a TTL measured on an injectable clock: the in-process storage of cache
 * channel events and of `claimOnce` keys.
 */

/** Milliseconds since an arbitrary epoch; `Date.now` by default, a fake clock in tests. */
export type Clock = () => number;

const MS_PER_SECOND = 1000;
const SWEEP_INTERVAL_MS = 1000;

interface Entry<T> {
  readonly value: T;
  readonly expiresAtMs: number;
}

/** A map whose entries disappear `ttlSec` seconds after they were set. */
export class ExpiringStore<T> {
  readonly #entries = new Map<string, Entry<T>>();
  #nextSweepAtMs = 0;
  readonly #now: Clock;

  constructor(now: Clock) {
    this.#now = now;
  }

  set(key: string, value: T, ttlSec: number): void {
    this.#sweep();
    this.#entries.set(key, { value, expiresAtMs: this.#now() + ttlSec * MS_PER_SECOND });
  }

  /** Sets the value only when the key is absent or expired; returns whether it was set. */
  setIfAbsent(key: string, value: T, ttlSec: number): boolean {
    if (this.get(key)) return false;
    this.set(key, value, ttlSec);
    return true;
  }

  /** The live value with its remaining TTL in whole seconds (rounded up), or undefined. */
  get(key: string): { readonly value: T; readonly ttlSec: number } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const remainingMs = entry.expiresAtMs - this.#now();
    if (remainingMs <= 0) {
      this.#entries.delete(key);
      return undefined;
    }
    return { value: entry.value, ttlSec: Math.ceil(remainingMs / MS_PER_SECOND) };
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Drops expired entries (at most once per second) so unread keys do not accumulate. */
  #sweep(): void {
    const now = this.#now();
    if (now < this.#nextSweepAtMs) return;
    this.#nextSweepAtMs = now + SWEEP_INTERVAL_MS;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAtMs <= now) this.#entries.delete(key);
    }
  }
}
