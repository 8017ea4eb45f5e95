/**
 * @module console/watcher
 * One reader of an app's live log (a console page or `pushwire tail`): its filter and its capped
 * outgoing queue. A reader slower than the feed loses the oldest entries, never memory: the queue
 * is capped in count and bytes, and the next write tells the reader how many entries it missed.
 */
import type { DebugEntry } from './debug-entry';

/** Where a watcher's Server-Sent Events go. */
export interface WatcherSink {
  /** Writes one chunk; false when the consumer is slow (then wait for {@link Watcher.drained}). */
  write(chunk: string): boolean;
}

/** Which entries a watcher wants; a name ending in `*` matches by prefix. */
export interface WatchFilter {
  readonly channel?: string | undefined;
  readonly event?: string | undefined;
}

/** Caps of one watcher's queue. */
export interface WatcherLimits {
  readonly maxQueuedEntries: number;
  readonly maxQueuedBytes: number;
}

function matches(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined || pattern === '') return true;
  if (value === undefined) return false;
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

/** True when `entry` passes `filter`. */
export function passesFilter(filter: WatchFilter, entry: DebugEntry): boolean {
  return matches(filter.channel, entry.channel) && matches(filter.event, entry.event);
}

/** An SSE `entry` event carrying one serialized entry. */
export function entryChunk(json: string): string {
  return `event: entry\ndata: ${json}\n\n`;
}

/** A reader of one app's feed; see the module comment. */
export class Watcher {
  readonly appId: string;
  readonly #filter: WatchFilter;
  readonly #sink: WatcherSink;
  readonly #limits: WatcherLimits;
  readonly #queue: string[] = [];
  #head = 0;
  #queuedBytes = 0;
  #dropped = 0;
  #blocked = false;
  #scheduled = false;
  #closed = false;

  constructor(appId: string, filter: WatchFilter, sink: WatcherSink, limits: WatcherLimits) {
    this.appId = appId;
    this.#filter = filter;
    this.#sink = sink;
    this.#limits = limits;
  }

  /** Entries dropped since the reader was last told. */
  get pendingDrops(): number {
    return this.#dropped;
  }

  /** Queues `entry` (serialized as `json`) if it passes the filter. */
  offer(entry: DebugEntry, json: string): void {
    if (this.#closed || !passesFilter(this.#filter, entry)) return;
    const chunk = entryChunk(json);
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    while (
      this.#queue.length - this.#head > this.#limits.maxQueuedEntries ||
      (this.#queuedBytes > this.#limits.maxQueuedBytes && this.#queue.length - this.#head > 1)
    ) {
      const oldest = this.#queue[this.#head] as string;
      this.#head++;
      this.#queuedBytes -= oldest.length;
      this.#dropped++;
    }
    this.#schedule();
  }

  /** The sink can take more: resume writing. */
  drained(): void {
    this.#blocked = false;
    this.#schedule();
  }

  /** Writes a raw chunk at once (heartbeats, hello); skipped while the sink is blocked. */
  writeNow(chunk: string): void {
    if (this.#closed || this.#blocked) return;
    if (!this.#sink.write(chunk)) this.#blocked = true;
  }

  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
    this.#head = 0;
    this.#queuedBytes = 0;
  }

  #schedule(): void {
    if (this.#scheduled || this.#blocked || this.#closed) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#closed) return;
    if (this.#dropped > 0) {
      const chunk = `event: dropped\ndata: {"dropped":${this.#dropped}}\n\n`;
      this.#dropped = 0;
      if (!this.#sink.write(chunk)) {
        this.#blocked = true;
        return;
      }
    }
    while (this.#head < this.#queue.length) {
      const chunk = this.#queue[this.#head] as string;
      this.#head++;
      this.#queuedBytes -= chunk.length;
      if (!this.#sink.write(chunk)) {
        this.#blocked = true;
        break;
      }
    }
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
