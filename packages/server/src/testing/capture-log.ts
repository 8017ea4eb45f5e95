/**
 * @module testing/capture-log
 * A bounded, consumable record of what a test server saw (published events, webhook events).
 * Entries are kept in arrival order, capped in count and in characters (the oldest go first, and
 * are counted as dropped). `next()` resolves with the first matching entry that no earlier `next()`
 * took, whether it arrived before the call or later, and rejects with a CaptureTimeoutError naming
 * the filter once its deadline passes.
 */
import { CaptureTimeoutError, TestServerError } from './errors';

/** How much a capture log keeps. */
export interface CaptureLimits {
  readonly maxEntries: number;
  /** Sum of the entries' sizes (as `sizeOf` measures them). */
  readonly maxChars: number;
}

/** How a log measures and describes its entries. */
export interface CaptureShape<T> {
  readonly kind: 'event' | 'webhook';
  /** Approximate size of an entry, in characters. */
  sizeOf(entry: T): number;
  /** A short label for error messages, e.g. `orders/created`. */
  label(entry: T): string;
  /** More context for a timeout message, when there is any. */
  note?(): string | undefined;
}

interface Slot<T> {
  readonly entry: T;
  readonly size: number;
  consumed: boolean;
}

interface Waiter<T> {
  readonly matches: (entry: T) => boolean;
  readonly resolve: (entry: T) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Labels of unconsumed entries shown in a timeout message (the newest). */
const MAX_LABELS_SHOWN = 10;

export class CaptureLog<T> {
  readonly #shape: CaptureShape<T>;
  readonly #limits: CaptureLimits;
  #slots: Slot<T>[] = [];
  #chars = 0;
  #dropped = 0;
  readonly #waiters = new Set<Waiter<T>>();
  #closed = false;

  constructor(shape: CaptureShape<T>, limits: CaptureLimits) {
    this.#shape = shape;
    this.#limits = limits;
  }

  /** Entries evicted to stay within the limits since the last `clear()`. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Records `entry`, handing it to the oldest waiting `next()` it matches. */
  push(entry: T): void {
    if (this.#closed) return;
    for (const waiter of this.#waiters) {
      if (!waiter.matches(entry)) continue;
      this.#settle(waiter);
      this.#store(entry, true);
      waiter.resolve(entry);
      return;
    }
    this.#store(entry, false);
  }

  /** Every kept entry matching `matches` (consumed or not), oldest first. */
  list(matches: (entry: T) => boolean = () => true): T[] {
    return this.#slots.filter((slot) => matches(slot.entry)).map((slot) => slot.entry);
  }

  /** Forgets every entry (pending `next()` calls keep waiting). */
  clear(): void {
    this.#slots = [];
    this.#chars = 0;
    this.#dropped = 0;
  }

  /**
   * The first unconsumed entry matching `matches`, now or when it arrives; it is then consumed.
   * @throws {CaptureTimeoutError} after `timeoutMs` without a match.
   */
  next(matches: (entry: T) => boolean, filter: string, timeoutMs: number): Promise<T> {
    if (this.#closed) {
      return Promise.reject(
        new TestServerError(`The test server is closed: ${this.#article()} cannot arrive`),
      );
    }
    for (const slot of this.#slots) {
      if (slot.consumed || !matches(slot.entry)) continue;
      slot.consumed = true;
      return Promise.resolve(slot.entry);
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        matches,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#settle(waiter);
          reject(
            new CaptureTimeoutError(this.#shape.kind, filter, timeoutMs, this.#describeUnmatched()),
          );
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Rejects every pending `next()`; later pushes are ignored. */
  close(): void {
    this.#closed = true;
    for (const waiter of [...this.#waiters]) {
      this.#settle(waiter);
      waiter.reject(
        new TestServerError(`The test server closed while waiting for ${this.#article()}`),
      );
    }
  }

  #article(): string {
    return this.#shape.kind === 'event' ? 'an event' : 'a webhook';
  }

  #settle(waiter: Waiter<T>): void {
    clearTimeout(waiter.timer);
    this.#waiters.delete(waiter);
  }

  #store(entry: T, consumed: boolean): void {
    const size = this.#shape.sizeOf(entry);
    this.#slots.push({ entry, size, consumed });
    this.#chars += size;
    let evict = 0;
    while (
      evict < this.#slots.length - 1 &&
      (this.#slots.length - evict > this.#limits.maxEntries || this.#chars > this.#limits.maxChars)
    ) {
      this.#chars -= (this.#slots[evict] as Slot<T>).size;
      evict += 1;
    }
    if (evict > 0) {
      this.#slots.splice(0, evict);
      this.#dropped += evict;
    }
  }

  #describeUnmatched(): string {
    const kind = this.#shape.kind;
    const open = this.#slots.filter((slot) => !slot.consumed);
    const labels = open.slice(-MAX_LABELS_SHOWN).map((slot) => this.#shape.label(slot.entry));
    if (open.length > MAX_LABELS_SHOWN) labels.unshift('...');
    const parts = [
      `${this.#slots.length} ${kind}(s) captured, ${open.length} not yet consumed` +
        (labels.length === 0 ? '' : `: ${labels.join(', ')}`),
    ];
    if (this.#dropped > 0) parts.push(`${this.#dropped} older ${kind}(s) were dropped (cap)`);
    const note = this.#shape.note?.();
    if (note !== undefined) parts.push(note);
    return parts.join('; ');
  }
}
