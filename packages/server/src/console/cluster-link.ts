/**
 * @module console/cluster-link
 * The debug feed across a cluster. A node with watchers of an app announces its interest on the
 * adapter's debug channel (`{t:'i'}`, refreshed every {@link REFRESH_MS}, valid for
 * {@link INTEREST_TTL_MS}); a node that knows of interest from another node forwards its entries of
 * that app (`{t:'e'}`) and reports its connection count for it (`{t:'s'}`). A node that starts
 * asks who watches (`{t:'q'}`). Nobody watching means nothing is sent. Messages from other nodes
 * are checked before use; anything unreadable or oversized is ignored.
 */
import { DEBUG_KINDS, type DebugEntry } from './debug-entry';

/** What the adapter offers the feed: text to every other node. */
export interface DebugTransport {
  send(text: string): void;
}

/** What the link reads from and hands to the feed. */
export interface ClusterLinkFeed {
  /** Apps with watchers on this node. */
  localApps(): string[];
  /** This node's open connections of an app. */
  connectionCount(appId: string): number;
  /** An entry from another node. */
  entry(entry: DebugEntry): void;
}

/** How often interest and connection counts are sent. */
export const REFRESH_MS = 2000;
/** How long an announcement or a count stays valid without a refresh. */
export const INTEREST_TTL_MS = 7000;
/** Delay that coalesces connection count changes into one report. */
const COUNT_DELAY_MS = 200;
/** Largest message accepted from another node. */
const MAX_MESSAGE_CHARS = 64 * 1024;

interface NodeCount {
  count: number;
  until: number;
}

/** One node's end of the debug channel; see the module comment. */
export class ClusterLink {
  readonly #transport: DebugTransport;
  readonly #nodeId: string;
  readonly #now: () => number;
  readonly #feed: ClusterLinkFeed;
  /** Apps watched on other nodes, with the time the interest expires. */
  readonly #remoteInterest = new Map<string, number>();
  /** Other nodes' connection counts per app. */
  readonly #remoteCounts = new Map<string, Map<string, NodeCount>>();
  readonly #timer: NodeJS.Timeout;
  readonly #pendingCounts = new Set<string>();
  #closed = false;

  constructor(transport: DebugTransport, nodeId: string, now: () => number, feed: ClusterLinkFeed) {
    this.#transport = transport;
    this.#nodeId = nodeId;
    this.#now = now;
    this.#feed = feed;
    this.#timer = setInterval(() => this.#refresh(), REFRESH_MS);
    this.#timer.unref();
    this.#send({ t: 'q', n: nodeId });
  }

  /** True while another node announced interest in `appId`. */
  remoteWatches(appId: string): boolean {
    if (this.#remoteInterest.size === 0) return false;
    const until = this.#remoteInterest.get(appId);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#remoteInterest.delete(appId);
    return false;
  }

  /** The other nodes' last reported connection counts for `appId` (fresh ones only). */
  remoteConnections(appId: string): { total: number; nodes: number } {
    const counts = this.#remoteCounts.get(appId);
    let total = 0;
    let nodes = 0;
    const now = this.#now();
    for (const [node, count] of counts ?? []) {
      if (count.until <= now) {
        counts?.delete(node);
        continue;
      }
      total += count.count;
      nodes++;
    }
    return { total, nodes };
  }

  /** This node just got its first watcher of `appId`: tell the others at once. */
  announce(appId: string): void {
    this.#send({ t: 'i', n: this.#nodeId, a: [appId] });
  }

  /** This node's connection count of `appId` changed: report it soon (coalesced). */
  countChanged(appId: string): void {
    if (!this.remoteWatches(appId) || this.#pendingCounts.has(appId)) return;
    this.#pendingCounts.add(appId);
    setTimeout(() => {
      this.#pendingCounts.delete(appId);
      if (!this.#closed) this.#sendCount(appId);
    }, COUNT_DELAY_MS).unref();
  }

  /** A local entry: sent on when another node watches its app. */
  forward(entry: DebugEntry): void {
    if (this.remoteWatches(entry.appId)) this.#send({ t: 'e', n: this.#nodeId, e: entry });
  }

  receive(text: string): void {
    if (text.length > MAX_MESSAGE_CHARS) return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const record = message as Record<string, unknown>;
    const node = record['n'];
    if (typeof node !== 'string' || node === this.#nodeId) return;
    const now = this.#now();
    switch (record['t']) {
      case 'q':
        this.#announceAll();
        return;
      case 'i': {
        const apps = record['a'];
        if (!Array.isArray(apps)) return;
        for (const appId of apps.slice(0, 1000)) {
          if (typeof appId !== 'string') continue;
          const known = this.#remoteInterest.has(appId);
          this.#remoteInterest.set(appId, now + INTEREST_TTL_MS);
          if (!known) this.#sendCount(appId);
        }
        return;
      }
      case 's': {
        const appId = record['a'];
        const count = record['c'];
        if (typeof appId !== 'string' || typeof count !== 'number' || !(count >= 0)) return;
        let counts = this.#remoteCounts.get(appId);
        if (counts === undefined) {
          counts = new Map();
          this.#remoteCounts.set(appId, counts);
        }
        counts.set(node, { count, until: now + INTEREST_TTL_MS });
        return;
      }
      case 'e': {
        const entry = readEntry(record['e']);
        if (entry !== undefined) this.#feed.entry(entry);
        return;
      }
      default:
        return;
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }

  #refresh(): void {
    this.#announceAll();
    for (const appId of [...this.#remoteInterest.keys()]) {
      if (this.remoteWatches(appId)) this.#sendCount(appId);
    }
    // Forget the counts of nodes that stopped reporting (e.g. nobody watches here any more).
    for (const [appId, counts] of this.#remoteCounts) {
      this.remoteConnections(appId);
      if (counts.size === 0) this.#remoteCounts.delete(appId);
    }
  }

  #announceAll(): void {
    const apps = this.#feed.localApps();
    if (apps.length > 0) this.#send({ t: 'i', n: this.#nodeId, a: apps });
  }

  #sendCount(appId: string): void {
    this.#send({ t: 's', n: this.#nodeId, a: appId, c: this.#feed.connectionCount(appId) });
  }

  #send(message: Record<string, unknown>): void {
    this.#transport.send(JSON.stringify(message));
  }
}

/** An entry from another node, if it has the required fields. */
function readEntry(value: unknown): DebugEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Record<string, unknown>;
  if (
    typeof entry['appId'] !== 'string' ||
    typeof entry['node'] !== 'string' ||
    typeof entry['time'] !== 'number' ||
    typeof entry['kind'] !== 'string' ||
    !DEBUG_KINDS.has(entry['kind'])
  ) {
    return undefined;
  }
  return entry as unknown as DebugEntry;
}
