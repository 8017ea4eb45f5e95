/**
 * @module adapters/local/local-adapter
 * The default, single-node adapter: all cluster state lives in this process and `publish` delivers
 * synchronously to the node's own subscribers. Exact transitions, unique presence members with
 * per-connection reference counts, cache channels and claims with a TTL, and rate-limit windows,
 * on an injectable clock.
 */
import { randomUUID } from 'node:crypto';
import type {
  Adapter,
  AdapterHandlers,
  AdapterHealth,
  CachedEvent,
  ChannelMessage,
  ChannelState,
  MemberChange,
  MemberLimitReached,
  MemberLimits,
  PresenceMember,
  RateLimitKind,
  RateQuota,
  SubscriptionChange,
} from '../adapter';
import { AdapterUsageError } from '../adapter-errors';
import { type Clock, ExpiringStore } from './expiring-store';
import { MemoryState } from './memory-state';
import { RateWindows } from './rate-windows';

/** Options of {@link LocalAdapter}; all optional. */
export interface LocalAdapterOptions {
  /** Node id reported by `nodeId` (default: `local-<uuid>`). */
  readonly nodeId?: string;
  /** Clock for cache and claim TTLs and rate windows, in milliseconds (default `Date.now`). */
  readonly now?: Clock;
}

const HEALTHY: AdapterHealth = { ok: true };

/** Key of a cache channel in the expiring store; NUL cannot occur in app ids or channel names. */
function cacheKey(appId: string, channel: string): string {
  return `${appId}\u0000${channel}`;
}

/** In-process implementation of the {@link Adapter} contract. */
export class LocalAdapter implements Adapter {
  readonly nodeId: string;
  readonly #state = new MemoryState();
  readonly #cache: ExpiringStore<CachedEvent>;
  readonly #claims: ExpiringStore<true>;
  readonly #rates: RateWindows;
  #handlers: AdapterHandlers | undefined;
  #closed = false;

  constructor(options: LocalAdapterOptions = {}) {
    this.nodeId = options.nodeId ?? `local-${randomUUID()}`;
    const now = options.now ?? Date.now;
    this.#cache = new ExpiringStore(now);
    this.#claims = new ExpiringStore(now);
    this.#rates = new RateWindows(now);
  }

  async start(handlers: AdapterHandlers): Promise<void> {
    if (this.#handlers) throw new AdapterUsageError('LocalAdapter.start() was called twice');
    this.#handlers = handlers;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#state.clear();
    this.#cache.clear();
    this.#claims.clear();
    this.#rates.clear();
  }

  health(): AdapterHealth {
    return HEALTHY;
  }

  /** There is no other node: every publish reaches the whole "cluster" once started. */
  canReachCluster(): boolean {
    return this.#handlers !== undefined && !this.#closed;
  }

  /** Delivers synchronously to this node's subscribers; a no-op after `close()` or when `remoteOnly` (there is no other node). */
  publish(message: ChannelMessage): void {
    if (this.#closed || message.remoteOnly) return;
    this.#started().deliver(message);
  }

  async terminateUser(appId: string, userId: string): Promise<void> {
    if (this.#closed) return;
    this.#started().terminateUser(appId, userId);
  }

  async addConnection(appId: string, socketId: string): Promise<number> {
    return this.#state.addConnection(appId, socketId);
  }

  async removeConnection(appId: string, socketId: string): Promise<void> {
    this.#state.removeConnection(appId, socketId);
  }

  async addSubscription(
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<SubscriptionChange> {
    return this.#state.addSubscription(appId, channel, socketId);
  }

  async removeSubscription(
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<SubscriptionChange | undefined> {
    return this.#state.removeSubscription(appId, channel, socketId);
  }

  async addMember(
    appId: string,
    channel: string,
    socketId: string,
    member: PresenceMember,
    limits?: MemberLimits,
  ): Promise<MemberChange | MemberLimitReached> {
    return this.#state.addMember(appId, channel, socketId, member, limits?.maxMembers);
  }

  async removeMember(
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<MemberChange | undefined> {
    return this.#state.removeMember(appId, channel, socketId);
  }

  async members(appId: string, channel: string): Promise<PresenceMember[]> {
    return this.#state.members(appId, channel);
  }

  async channels(appId: string, prefix?: string): Promise<Map<string, ChannelState>> {
    return this.#state.channels(appId, prefix);
  }

  async channel(appId: string, channel: string): Promise<ChannelState | undefined> {
    return this.#state.channel(appId, channel);
  }

  async setCachedEvent(
    appId: string,
    channel: string,
    event: CachedEvent,
    ttlSec: number,
  ): Promise<void> {
    this.#cache.set(cacheKey(appId, channel), { event: event.event, data: event.data }, ttlSec);
  }

  async cachedEvent(
    appId: string,
    channel: string,
  ): Promise<{ readonly event: CachedEvent; readonly ttlSec: number } | undefined> {
    const entry = this.#cache.get(cacheKey(appId, channel));
    return entry ? { event: entry.value, ttlSec: entry.ttlSec } : undefined;
  }

  async claimOnce(key: string, ttlSec: number): Promise<boolean> {
    return this.#claims.setIfAbsent(key, true, ttlSec);
  }

  async takeRateQuota(
    appId: string,
    kind: RateLimitKind,
    units: number,
    limit: number,
  ): Promise<RateQuota> {
    return this.#rates.take(appId, kind, units, limit);
  }

  #started(): AdapterHandlers {
    if (!this.#handlers) throw new AdapterUsageError('LocalAdapter used before start()');
    return this.#handlers;
  }

  /** One node: there is no other node to carry debug-feed text to. */
  sendDebug(_text: string): void {}
}
