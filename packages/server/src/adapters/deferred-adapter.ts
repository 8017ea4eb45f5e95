/**
 * @module adapters/deferred-adapter
 * An {@link Adapter} whose implementation is created when the server starts rather than when it is
 * constructed: `start()` awaits a loader (e.g. a dynamic import of the Redis adapter, so that its
 * optional peer dependency is only needed when it is used), then forwards every call to the loaded
 * adapter. Calls before `start()` resolved are an {@link AdapterUsageError}, as for any adapter.
 */

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
} from './adapter';
import { AdapterUsageError } from './adapter-errors';

const NOT_STARTED: AdapterHealth = { ok: false, detail: 'not started' };

/** Forwards to the adapter that `load()` resolves to, once `start()` loaded and started it. */
export class DeferredAdapter implements Adapter {
  readonly #load: () => Promise<Adapter>;
  #target: Adapter | undefined;
  #closed = false;

  constructor(load: () => Promise<Adapter>) {
    this.#load = load;
  }

  /** The loaded adapter, once `start()` loaded it. */
  get current(): Adapter | undefined {
    return this.#target;
  }

  get nodeId(): string {
    return this.#started().nodeId;
  }

  async start(handlers: AdapterHandlers): Promise<void> {
    if (this.#target !== undefined) {
      throw new AdapterUsageError('DeferredAdapter.start() was called twice');
    }
    const target = await this.#load();
    this.#target = target;
    await target.start(handlers);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#target?.close();
  }

  health(): AdapterHealth {
    return this.#target?.health() ?? NOT_STARTED;
  }

  /** The loaded adapter's answer; false before `start()` loaded it. */
  canReachCluster(): boolean {
    return this.#target?.canReachCluster() ?? false;
  }

  publish(message: ChannelMessage): void {
    this.#started().publish(message);
  }

  terminateUser(appId: string, userId: string): Promise<void> {
    return this.#started().terminateUser(appId, userId);
  }

  addConnection(appId: string, socketId: string): Promise<number> {
    return this.#started().addConnection(appId, socketId);
  }

  removeConnection(appId: string, socketId: string): Promise<void> {
    return this.#started().removeConnection(appId, socketId);
  }

  addSubscription(appId: string, channel: string, socketId: string): Promise<SubscriptionChange> {
    return this.#started().addSubscription(appId, channel, socketId);
  }

  removeSubscription(
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<SubscriptionChange | undefined> {
    return this.#started().removeSubscription(appId, channel, socketId);
  }

  addMember(
    appId: string,
    channel: string,
    socketId: string,
    member: PresenceMember,
    limits?: MemberLimits,
  ): Promise<MemberChange | MemberLimitReached> {
    return this.#started().addMember(appId, channel, socketId, member, limits);
  }

  removeMember(
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<MemberChange | undefined> {
    return this.#started().removeMember(appId, channel, socketId);
  }

  members(appId: string, channel: string): Promise<PresenceMember[]> {
    return this.#started().members(appId, channel);
  }

  channels(appId: string, prefix?: string): Promise<Map<string, ChannelState>> {
    return this.#started().channels(appId, prefix);
  }

  channel(appId: string, channel: string): Promise<ChannelState | undefined> {
    return this.#started().channel(appId, channel);
  }

  setCachedEvent(
    appId: string,
    channel: string,
    event: CachedEvent,
    ttlSec: number,
  ): Promise<void> {
    return this.#started().setCachedEvent(appId, channel, event, ttlSec);
  }

  cachedEvent(
    appId: string,
    channel: string,
  ): Promise<{ readonly event: CachedEvent; readonly ttlSec: number } | undefined> {
    return this.#started().cachedEvent(appId, channel);
  }

  claimOnce(key: string, ttlSec: number): Promise<boolean> {
    return this.#started().claimOnce(key, ttlSec);
  }

  takeRateQuota(
    appId: string,
    kind: RateLimitKind,
    units: number,
    limit: number,
  ): Promise<RateQuota> {
    return this.#started().takeRateQuota(appId, kind, units, limit);
  }

  /** Forwarded once loaded; dropped before (nobody can be watching yet). */
  sendDebug(text: string): void {
    this.#target?.sendDebug?.(text);
  }

  #started(): Adapter {
    if (this.#target === undefined) {
      throw new AdapterUsageError('the adapter was used before the server started it');
    }
    return this.#target;
  }
}
