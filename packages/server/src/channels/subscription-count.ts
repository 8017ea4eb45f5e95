/**
 * @module channels/subscription-count
 * `pusher_internal:subscription_count` and the `subscription_count` webhook: sent on every
 * subscription change of a non-presence channel when the app enables it (`subscriptionCountEvents`,
 * Pusher's "subscription counting", off by default), throttled to one per
 * {@link SUBSCRIPTION_COUNT_THROTTLE_MS} for channels above {@link SUBSCRIPTION_COUNT_THROTTLE_ABOVE}
 * subscribers (the trailing update carries the count at the time it is sent). The throttle is
 * cluster-wide: above the threshold each update first claims the channel's window through
 * `adapter.claimOnce`, so one node sends per window. A node that loses the claim retries once, one
 * window later: a claim still held then was taken after its change, so that update covered it.
 * @see https://pusher.com/docs/channels/using_channels/events/#subscription-count-event
 */

import type { Adapter } from '../adapters/adapter';
import type { ResolvedApp } from '../options';
import { subscriptionCountFrame } from '../protocol/frames';
import type { WebhookDispatcher } from '../webhooks/dispatcher';
import type { ChannelKind } from './channel-kind';

export const SUBSCRIPTION_COUNT_THROTTLE_ABOVE = 100;
export const SUBSCRIPTION_COUNT_THROTTLE_MS = 5000;
const MS_PER_SECOND = 1000;
/**
 * Entries of the throttle map examined per remembered send. Each send adds at most one entry and
 * examines up to this many from the front, so expired entries are dropped faster than they come.
 */
const PRUNE_STEPS_PER_CALL = 4;

interface ChannelThrottle {
  lastSentMs: number;
  /** An update is scheduled or claiming: later changes are carried by it (or by a follow-up). */
  pending: boolean;
  /** A change arrived while an update was pending; it needs an update that reads the count later. */
  dirty: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class SubscriptionCountNotifier {
  readonly #adapter: Adapter;
  readonly #webhooks: WebhookDispatcher;
  readonly #throttles = new Map<string, ChannelThrottle>();
  #closed = false;

  constructor(adapter: Adapter, webhooks: WebhookDispatcher) {
    this.#adapter = adapter;
    this.#webhooks = webhooks;
  }

  /** Reports the cluster-wide count after a change (made by this node or reported to it). */
  changed(app: ResolvedApp, channel: string, kind: ChannelKind, count: number): void {
    if (!app.subscriptionCountEvents || kind === 'presence' || kind === 'server-to-user') return;
    if (this.#closed) return;
    const key = `${app.id}\u0000${channel}`;
    const existing = this.#throttles.get(key);
    // An update is already on its way: it (or a follow-up it schedules) carries this change.
    if (existing?.pending) {
      existing.dirty = true;
      return;
    }
    const now = Date.now();
    if (count <= SUBSCRIPTION_COUNT_THROTTLE_ABOVE) {
      this.#send(app, channel, count);
      this.#remember(key, now, now);
      return;
    }
    const state = existing ?? this.#remember(key, 0, now);
    state.pending = true;
    const sinceLastMs = now - state.lastSentMs;
    if (sinceLastMs >= SUBSCRIPTION_COUNT_THROTTLE_MS) {
      this.#attempt(app, channel, state, count, true);
      return;
    }
    this.#schedule(app, channel, state, SUBSCRIPTION_COUNT_THROTTLE_MS - sinceLastMs, true);
  }

  /** Stops pending trailing updates (shutdown). */
  close(): void {
    this.#closed = true;
    for (const throttle of this.#throttles.values()) {
      if (throttle.timer) clearTimeout(throttle.timer);
    }
    this.#throttles.clear();
  }

  /**
   * Claims the channel's window and sends `count` (or the count read now, when undefined) if won;
   * when lost, retries once a window later if `retry`.
   */
  #attempt(
    app: ResolvedApp,
    channel: string,
    state: ChannelThrottle,
    count: number | undefined,
    retry: boolean,
  ): void {
    const claimKey = `subscription_count:${app.id}:${channel}`;
    const windowSec = SUBSCRIPTION_COUNT_THROTTLE_MS / MS_PER_SECOND;
    this.#adapter
      .claimOnce(claimKey, windowSec)
      .catch(() => true) // cannot tell: rather one update too many than a lost one
      .then(async (won) => {
        if (this.#closed) return;
        if (!won) {
          if (retry) this.#schedule(app, channel, state, SUBSCRIPTION_COUNT_THROTTLE_MS, false);
          else this.#settle(app, channel, state);
          return;
        }
        state.lastSentMs = Date.now();
        this.#touch(`${app.id}\u0000${channel}`, state);
        if (count === undefined) state.dirty = false;
        const current =
          count ?? (await this.#adapter.channel(app.id, channel))?.subscriptionCount ?? 0;
        if (this.#closed) return;
        this.#send(app, channel, current);
        this.#settle(app, channel, state);
      })
      .catch(() => {
        state.pending = false;
      });
  }

  /** Ends an update; changes that arrived meanwhile get a trailing update a window later. */
  #settle(app: ResolvedApp, channel: string, state: ChannelThrottle): void {
    if (!state.dirty) {
      state.pending = false;
      return;
    }
    state.dirty = false;
    this.#schedule(app, channel, state, SUBSCRIPTION_COUNT_THROTTLE_MS, true);
  }

  #schedule(
    app: ResolvedApp,
    channel: string,
    state: ChannelThrottle,
    delayMs: number,
    retry: boolean,
  ): void {
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.#attempt(app, channel, state, undefined, retry);
    }, delayMs);
    state.timer.unref();
  }

  /**
   * Records a send at `sentMs` (0: never sent). The map stays in the order of `lastSentMs` (an updated entry moves to
   * the end), so expired entries are pruned from the front: each call examines at most
   * {@link PRUNE_STEPS_PER_CALL} entries, constant work whatever the number of channels.
   */
  #remember(key: string, sentMs: number, now: number): ChannelThrottle {
    this.#prune(now);
    const state: ChannelThrottle = this.#throttles.get(key) ?? {
      lastSentMs: sentMs,
      pending: false,
      dirty: false,
      timer: undefined,
    };
    state.lastSentMs = sentMs;
    this.#touch(key, state);
    return state;
  }

  /** Moves the channel's entry to the end of the map (the most recently sent). */
  #touch(key: string, state: ChannelThrottle): void {
    this.#throttles.delete(key);
    this.#throttles.set(key, state);
  }

  /**
   * Drops expired entries from the front; stops at the first one still inside its window. A
   * pending entry met at the front is moved to the end (its update will touch it again).
   */
  #prune(now: number): void {
    let steps = 0;
    for (const [key, throttle] of this.#throttles) {
      if (steps >= PRUNE_STEPS_PER_CALL) return;
      steps += 1;
      if (throttle.pending) {
        this.#touch(key, throttle);
        continue;
      }
      if (now - throttle.lastSentMs < SUBSCRIPTION_COUNT_THROTTLE_MS) return;
      this.#throttles.delete(key);
    }
  }

  #send(app: ResolvedApp, channel: string, count: number): void {
    this.#adapter.publish({
      appId: app.id,
      channel,
      frame: subscriptionCountFrame(channel, count),
    });
    this.#webhooks.emit(app, { name: 'subscription_count', channel, subscription_count: count });
  }
}
