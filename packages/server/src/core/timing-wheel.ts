/**
 * @module core/timing-wheel
 * One timer for every connection deadline of a node (activity pings, pong and sign-in deadlines):
 * entries sit in slots of `tickMs` keyed by when they are due, and one unref'd interval, running
 * only while an entry waits, hands each due slot's entries their `onDue` call. A connection costs
 * one set entry instead of a timer object, and moving or cancelling its deadline is O(1).
 */

/** Something with at most one deadline in the wheel at a time. */
export interface WheelEntry {
  /** Called once the deadline the entry was scheduled at has passed (it may schedule again). */
  onDue(nowMs: number): void;
}

/** The slot of an entry that is not in the wheel. */
export const NOT_SCHEDULED = -1;

/** Milliseconds on a monotonic clock (what the wheel's deadlines are measured in). */
export function monotonicMs(): number {
  return Math.floor(performance.now());
}

export class TimingWheel<T extends WheelEntry> {
  readonly #tickMs: number;
  readonly #slots = new Map<number, Set<T>>();
  /** Entries in the wheel, over every slot. */
  #size = 0;
  /** The first slot not yet handed out. */
  #cursor = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** @param tickMs how often due slots are handed out (the resolution of every deadline). */
  constructor(tickMs: number) {
    this.#tickMs = Math.max(1, Math.floor(tickMs));
  }

  /** Entries waiting for a deadline. */
  get size(): number {
    return this.#size;
  }

  /**
   * Puts `entry` in the slot of `dueMs` (a {@link monotonicMs} time), out of `currentSlot` (where
   * it is now, or {@link NOT_SCHEDULED}). Returns the new slot, which the entry keeps.
   */
  schedule(entry: T, dueMs: number, currentSlot: number): number {
    const dueSlot = Math.ceil(dueMs / this.#tickMs);
    if (currentSlot !== NOT_SCHEDULED) {
      if (this.#timer !== undefined && Math.max(this.#cursor, dueSlot) === currentSlot) {
        return currentSlot;
      }
      this.cancel(entry, currentSlot);
    }
    // Started before the slot is chosen: an idle wheel moves its cursor to now, and no entry may
    // sit behind the cursor.
    this.#start();
    const slot = Math.max(this.#cursor, dueSlot);
    let entries = this.#slots.get(slot);
    if (entries === undefined) {
      entries = new Set();
      this.#slots.set(slot, entries);
    }
    entries.add(entry);
    this.#size += 1;
    return slot;
  }

  /** Takes `entry` out of `slot` (no-op for {@link NOT_SCHEDULED}). Returns NOT_SCHEDULED. */
  cancel(entry: T, slot: number): number {
    if (slot === NOT_SCHEDULED) return NOT_SCHEDULED;
    const entries = this.#slots.get(slot);
    if (entries?.delete(entry)) {
      this.#size -= 1;
      if (entries.size === 0) this.#slots.delete(slot);
      if (this.#size === 0) this.#stop();
    }
    return NOT_SCHEDULED;
  }

  /** Stops the interval; entries stay but are not handed out (the node is shutting down). */
  stop(): void {
    this.#stop();
  }

  #start(): void {
    if (this.#timer !== undefined) return;
    this.#cursor = Math.max(this.#cursor, Math.floor(monotonicMs() / this.#tickMs));
    this.#timer = setInterval(() => this.#tick(), this.#tickMs);
    this.#timer.unref?.();
  }

  #stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Hands out every slot whose time has come, oldest first. */
  #tick(): void {
    const nowMs = monotonicMs();
    const last = Math.floor(nowMs / this.#tickMs);
    while (this.#cursor <= last && this.#size > 0) {
      const slot = this.#cursor;
      this.#cursor += 1;
      const entries = this.#slots.get(slot);
      if (entries === undefined) continue;
      this.#slots.delete(slot);
      this.#size -= entries.size;
      for (const entry of entries) entry.onDue(nowMs);
    }
    if (this.#cursor <= last) this.#cursor = last + 1;
    if (this.#size === 0) this.#stop();
  }
}
