/**
 * @module adapters/redis/local-mirror
 * This node's own state kept in memory at all times: the fallback answers while Redis is down and
 * the source a resync rewrites into Redis. Tracks the entries added while Redis was unreachable,
 * which the cluster has not heard of yet, and, while a resync runs, the entries that changed
 * meanwhile (so the resync rewrites those again instead of starting over).
 */
import type { CachedEvent } from '../adapter';
import { ExpiringStore } from '../local/expiring-store';
import { MemoryState } from '../local/memory-state';
import { RateWindows } from '../local/rate-windows';

/** Mirror entries whose additions are announced: subscriptions and presence memberships. */
export type EntryKind = 's' | 'm';

/** Every kind of mirror entry: connections ('c'), subscriptions and presence memberships. */
export type MirrorEntryKind = 'c' | EntryKind;

/** Names one mirror entry (channel is '' for a connection). */
export interface MirrorEntryRef {
  readonly kind: MirrorEntryKind;
  readonly appId: string;
  readonly channel: string;
  readonly socketId: string;
}

/** Identity of a mirror entry in the sets below; NUL never occurs in names. */
function entryKey(kind: MirrorEntryKind, appId: string, channel: string, socketId: string): string {
  return `${kind}\u0000${appId}\u0000${channel}\u0000${socketId}`;
}

function parseEntryKey(key: string): MirrorEntryRef {
  const [kind = '', appId = '', channel = '', socketId = ''] = key.split('\u0000');
  return { kind: kind as MirrorEntryKind, appId, channel, socketId };
}

/** The node's mirror; see the module comment. */
export class LocalMirror {
  readonly state = new MemoryState();
  readonly cache = new ExpiringStore<CachedEvent>(Date.now);
  readonly claims = new ExpiringStore<true>(Date.now);
  /** This node's own REST rate windows, used while Redis is unreachable. */
  readonly rates = new RateWindows(Date.now);
  readonly #unannounced = new Set<string>();
  /** Entries changed since the running resync started (undefined when none runs). */
  #touched: Set<string> | undefined;

  /** Records that an entry changed (the running resync, if any, rewrites it again). */
  changed(kind: MirrorEntryKind, appId: string, channel: string, socketId: string): void {
    this.#touched?.add(entryKey(kind, appId, channel, socketId));
  }

  /** A resync starts: from now on changed entries are remembered until {@link stopTracking}. */
  startTracking(): void {
    this.#touched = new Set();
  }

  /** The entries changed since the last call (or since {@link startTracking}), forgotten here. */
  takeTouched(): MirrorEntryRef[] {
    const touched = this.#touched;
    if (touched === undefined || touched.size === 0) return [];
    this.#touched = new Set();
    const refs: MirrorEntryRef[] = [];
    for (const key of touched) refs.push(parseEntryKey(key));
    return refs;
  }

  /** True when entries changed since the last {@link takeTouched}. */
  get hasTouched(): boolean {
    return (this.#touched?.size ?? 0) > 0;
  }

  stopTracking(): void {
    this.#touched = undefined;
  }

  /** The entry was added while Redis was unreachable: the next resync reports it as added. */
  flagUnannounced(kind: EntryKind, appId: string, channel: string, socketId: string): void {
    this.#unannounced.add(entryKey(kind, appId, channel, socketId));
  }

  /** The entry is gone, or the cluster heard of it: nothing (more) to announce. */
  unflag(kind: EntryKind, appId: string, channel: string, socketId: string): void {
    this.#unannounced.delete(entryKey(kind, appId, channel, socketId));
  }

  isUnannounced(kind: EntryKind, appId: string, channel: string, socketId: string): boolean {
    return this.#unannounced.has(entryKey(kind, appId, channel, socketId));
  }

  clear(): void {
    this.state.clear();
    this.#unannounced.clear();
    this.#touched = undefined;
    this.cache.clear();
    this.claims.clear();
    this.rates.clear();
  }
}
