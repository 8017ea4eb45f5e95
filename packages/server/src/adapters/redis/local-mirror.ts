/**
 * @module adapters/redis/local-mirror
 * This node's own state kept in memory at all times: the fallback answers while Redis is down and
 * the source a resync rewrites into Redis. Tracks a version (to detect changes during a resync)
 * and the entries added while Redis was unreachable, which the cluster has not heard of yet.
 */
import type { CachedEvent } from '../adapter';
import { ExpiringStore } from '../local/expiring-store';
import { MemoryState } from '../local/memory-state';

/** Mirror entries whose additions are announced: subscriptions and presence memberships. */
export type EntryKind = 's' | 'm';

/** Identity of a mirror entry in the unannounced set; NUL never occurs in names. */
function entryKey(kind: EntryKind, appId: string, channel: string, socketId: string): string {
  return `${kind}\u0000${appId}\u0000${channel}\u0000${socketId}`;
}

/** The node's mirror; see the module comment. */
export class LocalMirror {
  readonly state = new MemoryState();
  readonly cache = new ExpiringStore<CachedEvent>(Date.now);
  readonly claims = new ExpiringStore<true>(Date.now);
  private changes = 0;
  private readonly unannounced = new Set<string>();

  /** Bumped on every change, so a resync can tell whether it wrote a stale snapshot. */
  get version(): number {
    return this.changes;
  }

  /** Records that the state changed. */
  changed(): void {
    this.changes++;
  }

  /** The entry was added while Redis was unreachable: the next resync reports it as added. */
  flagUnannounced(kind: EntryKind, appId: string, channel: string, socketId: string): void {
    this.unannounced.add(entryKey(kind, appId, channel, socketId));
  }

  /** The entry is gone: nothing to announce. */
  unflag(kind: EntryKind, appId: string, channel: string, socketId: string): void {
    this.unannounced.delete(entryKey(kind, appId, channel, socketId));
  }

  isUnannounced(kind: EntryKind, appId: string, channel: string, socketId: string): boolean {
    return this.unannounced.has(entryKey(kind, appId, channel, socketId));
  }

  /** Marks as announced exactly the entries flagged when `announce` starts. */
  async announce(announce: () => Promise<void>): Promise<void> {
    const flagged = [...this.unannounced];
    await announce();
    for (const key of flagged) this.unannounced.delete(key);
  }

  clear(): void {
    this.state.clear();
    this.unannounced.clear();
    this.cache.clear();
    this.claims.clear();
  }
}
