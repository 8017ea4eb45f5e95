/**
 * @module adapters/local/rate-windows
 * In-process fixed one-second windows of rate-limit units, per app and kind, on an injectable
 * clock: the LocalAdapter's `takeRateQuota`, and the Redis adapter's answer while Redis is down.
 */
import type { RateLimitKind, RateQuota } from '../adapter';
import type { Clock } from './expiring-store';

const WINDOW_MS = 1000;

interface Window {
  readonly window: number;
  used: number;
}

/** Units granted per app and kind in the current window; earlier windows are forgotten. */
export class RateWindows {
  readonly #windows = new Map<string, Window>();
  #sweptWindow = 0;
  readonly #now: Clock;

  constructor(now: Clock) {
    this.#now = now;
  }

  /** Grants up to `units` of `limit` in the current window (see Adapter.takeRateQuota). */
  take(appId: string, kind: RateLimitKind, units: number, limit: number): RateQuota {
    const nowMs = this.#now();
    const window = Math.floor(nowMs / WINDOW_MS);
    this.#sweep(window);
    // NUL occurs neither in app ids nor in kinds.
    const key = `${appId}\u0000${kind}`;
    let entry = this.#windows.get(key);
    if (entry === undefined || entry.window !== window) {
      entry = { window, used: 0 };
      this.#windows.set(key, entry);
    }
    const granted = Math.max(0, Math.min(Math.floor(units), limit - entry.used));
    entry.used += granted;
    return { granted, window, resetInMs: (window + 1) * WINDOW_MS - nowMs };
  }

  clear(): void {
    this.#windows.clear();
  }

  /** Drops the entries of past windows, at most once per window, so idle apps cost nothing. */
  #sweep(window: number): void {
    if (window === this.#sweptWindow) return;
    this.#sweptWindow = window;
    for (const [key, entry] of this.#windows) {
      if (entry.window !== window) this.#windows.delete(key);
    }
  }
}
