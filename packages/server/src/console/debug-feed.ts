/**
 * @module console/debug-feed
 * The server's live log for the debug console and `pushwire tail`. Emission points across the
 * server call one method each; an entry is only built while someone watches the app, here or on
 * another node of the cluster ({@link DebugFeed.watching} is one map lookup, all the feed costs
 * an emission point otherwise). Bounded everywhere: a ring of recent entries per app (count and
 * bytes), a capped queue per watcher (see watcher.ts), a cap on watchers per app and in total.
 * Across a cluster, entries travel through the adapter only to nodes that announced interest (see
 * cluster-link.ts).
 */
import type { Refusal, RefusalObserver } from '../observability/refusals';
import type { WebhookAttemptReport } from '../webhooks/dispatcher';
import { describeCloseCode } from './close-reasons';
import { ClusterLink, type DebugTransport } from './cluster-link';
import { clip, type DebugEntry, MAX_DATA_CHARS, MAX_REASON_CHARS } from './debug-entry';
import { Watcher, type WatcherSink, type WatchFilter } from './watcher';

/** Caps of the feed; every one has a default. */
export interface DebugFeedLimits {
  /** Recent entries kept per app for a watcher that (re)connects. @default 200 */
  readonly maxRecentEntries?: number;
  /** Bytes of recent entries kept per app. @default 262144 */
  readonly maxRecentBytes?: number;
  /** Watchers of one app on this node. @default 16 */
  readonly maxWatchersPerApp?: number;
  /** Watchers of all apps on this node. @default 64 */
  readonly maxWatchers?: number;
  /** Entries waiting for one slow watcher before the oldest are dropped. @default 1000 */
  readonly maxQueuedEntries?: number;
  /** Bytes waiting for one slow watcher. @default 1048576 */
  readonly maxQueuedBytes?: number;
}

/** Why {@link DebugFeed.watch} refused a watcher. */
export type WatchRefusal = 'too_many_watchers_for_app' | 'too_many_watchers';

interface Recent {
  readonly entries: string[];
  bytes: number;
}

const DEFAULTS = {
  maxRecentEntries: 200,
  maxRecentBytes: 256 * 1024,
  maxWatchersPerApp: 16,
  maxWatchers: 64,
  maxQueuedEntries: 1000,
  maxQueuedBytes: 1024 * 1024,
} as const;

/** The live log of one node; see the module comment. */
export class DebugFeed implements RefusalObserver {
  readonly #limits: Required<DebugFeedLimits>;
  readonly #nodeId: () => string;
  readonly #now: () => number;
  /** Local watchers per app (an app is absent when it has none). */
  readonly #watchers = new Map<string, Set<Watcher>>();
  #watcherCount = 0;
  readonly #recent = new Map<string, Recent>();
  /** This node's open connections per app (for the cluster-wide count). */
  readonly #connections = new Map<string, number>();
  #link: ClusterLink | undefined;

  constructor(nodeId: () => string, limits: DebugFeedLimits = {}, now: () => number = Date.now) {
    this.#nodeId = nodeId;
    this.#now = now;
    this.#limits = { ...DEFAULTS, ...definedOnly(limits) };
  }

  /** Connects the feed to the other nodes (the adapter carries the text); see cluster-link.ts. */
  linkCluster(transport: DebugTransport): void {
    this.#link?.close();
    this.#link = new ClusterLink(transport, this.#nodeId(), this.#now, {
      localApps: () => [...this.#watchers.keys()],
      connectionCount: (appId) => this.#connections.get(appId) ?? 0,
      entry: (entry) => this.#deliver(entry),
    });
  }

  /** Text another node sent through the adapter. */
  receive(text: string): void {
    this.#link?.receive(text);
  }

  /** True when someone, on this node or another, watches `appId`: only then build entries. */
  watching(appId: string): boolean {
    return this.#watchers.has(appId) || (this.#link?.remoteWatches(appId) ?? false);
  }

  /** Open connections of `appId`: this node's, plus the other nodes' last reports. */
  connectionCount(appId: string): { total: number; nodes: number } {
    const local = this.#connections.get(appId) ?? 0;
    const remote = this.#link?.remoteConnections(appId) ?? { total: 0, nodes: 0 };
    return { total: local + remote.total, nodes: 1 + remote.nodes };
  }

  /**
   * Adds a watcher of `appId` writing to `sink`, after replaying the recent entries that pass the
   * filter; a {@link WatchRefusal} when a cap is reached.
   */
  watch(appId: string, filter: WatchFilter, sink: WatcherSink): Watcher | WatchRefusal {
    let set = this.#watchers.get(appId);
    if ((set?.size ?? 0) >= this.#limits.maxWatchersPerApp) return 'too_many_watchers_for_app';
    if (this.#watcherCount >= this.#limits.maxWatchers) return 'too_many_watchers';
    const watcher = new Watcher(appId, filter, sink, this.#limits);
    for (const json of this.#recent.get(appId)?.entries ?? []) {
      watcher.offer(JSON.parse(json) as DebugEntry, json);
    }
    if (set === undefined) {
      set = new Set();
      this.#watchers.set(appId, set);
      this.#link?.announce(appId);
    }
    set.add(watcher);
    this.#watcherCount++;
    return watcher;
  }

  /** Removes a watcher (its stream ended). */
  unwatch(watcher: Watcher): void {
    const set = this.#watchers.get(watcher.appId);
    watcher.close();
    if (set === undefined || !set.delete(watcher)) return;
    this.#watcherCount--;
    if (set.size === 0) this.#watchers.delete(watcher.appId);
  }

  /** Every local watcher, e.g. to end their streams on shutdown. */
  watchers(): Watcher[] {
    return [...this.#watchers.values()].flatMap((set) => [...set]);
  }

  /** Stops the cluster link's timer. */
  close(): void {
    this.#link?.close();
    this.#link = undefined;
  }

  // --- emission points ---------------------------------------------------------------------

  connectionOpened(appId: string, socketId: string): void {
    this.#connections.set(appId, (this.#connections.get(appId) ?? 0) + 1);
    this.#link?.countChanged(appId);
    if (this.watching(appId)) this.#emit({ appId, kind: 'connection_opened', socketId });
  }

  connectionClosed(appId: string, socketId: string, code: number, reason?: string): void {
    const count = (this.#connections.get(appId) ?? 1) - 1;
    if (count <= 0) this.#connections.delete(appId);
    else this.#connections.set(appId, count);
    this.#link?.countChanged(appId);
    if (!this.watching(appId)) return;
    const text = reason !== undefined && reason !== '' ? reason : describeCloseCode(code);
    this.#emit({ appId, kind: 'connection_closed', socketId, code, reason: text });
  }

  subscribed(appId: string, socketId: string, channel: string, userId?: string): void {
    if (!this.watching(appId)) return;
    this.#emit({ appId, kind: 'subscribed', socketId, channel, ...optional('userId', userId) });
  }

  unsubscribed(appId: string, socketId: string, channel: string): void {
    if (this.watching(appId)) this.#emit({ appId, kind: 'unsubscribed', socketId, channel });
  }

  /** A refusal (see observability/refusals.ts); refusals without an app are not shown. */
  refused(refusal: Refusal): void {
    const appId = refusal.appId;
    if (appId === undefined || !this.watching(appId)) return;
    const detail = refusal.detail ?? {};
    const text = (name: string): string | undefined => {
      const value = detail[name];
      return value === undefined ? undefined : clip(String(value), MAX_REASON_CHARS);
    };
    this.#emit({
      appId,
      kind: 'refused',
      refusal: refusal.kind,
      reason: clip(refusal.reason, MAX_REASON_CHARS),
      ...optional('code', refusal.code ?? undefined),
      ...optional('channel', text('channel')),
      ...optional('event', text('event')),
      ...optional('socketId', text('socketId')),
      ...optional('remoteAddress', text('remoteAddress')),
    });
  }

  /** An event published through the REST API (or the console's trigger form). */
  apiEvent(appId: string, channel: string, event: string, data: string, socketId?: string): void {
    if (!this.watching(appId)) return;
    this.#emit({
      appId,
      kind: 'api_event',
      channel,
      event,
      data: clip(data, MAX_DATA_CHARS),
      ...optional('socketId', socketId),
    });
  }

  clientEvent(
    appId: string,
    channel: string,
    event: string,
    data: string,
    socketId: string,
    userId?: string,
  ): void {
    if (!this.watching(appId)) return;
    this.#emit({
      appId,
      kind: 'client_event',
      channel,
      event,
      data: clip(data, MAX_DATA_CHARS),
      socketId,
      ...optional('userId', userId),
    });
  }

  webhookSent(report: WebhookAttemptReport): void {
    if (!this.watching(report.appId)) return;
    this.#emit({
      appId: report.appId,
      kind: 'webhook',
      target: report.target,
      latencyMs: report.latencyMs,
      attempt: report.attempt,
      events: report.events,
      ...optional('code', report.status),
      ...(report.ok ? {} : optional('reason', report.reason)),
    });
  }

  // --- delivery -----------------------------------------------------------------------------

  #emit(fields: Omit<DebugEntry, 'time' | 'node'>): void {
    const entry = { time: this.#now(), node: this.#nodeId(), ...fields } as DebugEntry;
    this.#deliver(entry);
    this.#link?.forward(entry);
  }

  /** Records and hands out an entry of this node or another. */
  #deliver(entry: DebugEntry): void {
    const set = this.#watchers.get(entry.appId);
    if (set === undefined) return;
    const json = JSON.stringify(entry);
    this.#remember(entry.appId, json);
    for (const watcher of set) watcher.offer(entry, json);
  }

  #remember(appId: string, json: string): void {
    let recent = this.#recent.get(appId);
    if (recent === undefined) {
      recent = { entries: [], bytes: 0 };
      this.#recent.set(appId, recent);
    }
    recent.entries.push(json);
    recent.bytes += json.length;
    while (
      recent.entries.length > this.#limits.maxRecentEntries ||
      (recent.bytes > this.#limits.maxRecentBytes && recent.entries.length > 1)
    ) {
      recent.bytes -= (recent.entries.shift() as string).length;
    }
  }
}

function optional<K extends string, V>(
  name: K,
  value: V | undefined,
): { [P in K]?: V } | Record<string, never> {
  return value === undefined ? {} : ({ [name]: value } as { [P in K]: V });
}

function definedOnly(limits: DebugFeedLimits): DebugFeedLimits {
  return Object.fromEntries(
    Object.entries(limits).filter(([, value]) => value !== undefined),
  ) as DebugFeedLimits;
}
