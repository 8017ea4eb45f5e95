/**
 * @module channels/subscription-count
 * `pusher_internal:subscription_count` and the `subscription_count` webhook: sent on every
 * subscription change of a non-presence channel when the app enables it, throttled to one per
 * {@link SUBSCRIPTION_COUNT_THROTTLE_MS} for channels above {@link SUBSCRIPTION_COUNT_THROTTLE_ABOVE}
 * subscribers (the trailing update carries the count at the time it is sent).
 * @see https://pusher.com/docs/channels/using_channels/events/#subscription-count-event
 */

import type { Adapter } from '../adapters/adapter';
import type { ResolvedApp } from '../options';
import { subscriptionCountFrame } from '../protocol/frames';
import type { WebhookDispatcher } from '../webhooks/dispatcher';
import type { ChannelKind } from './channel-kind';

export const SUBSCRIPTION_COUNT_THROTTLE_ABOVE = 100;
export const SUBSCRIPTION_COUNT_THROTTLE_MS = 5000;

interface ChannelThrottle {
  lastSentMs: number;
  timer: NodeJS.Timeout | undefined;
}

export class SubscriptionCountNotifier {
  readonly #adapter: Adapter;
  readonly #webhooks: WebhookDispatcher;
  readonly #throttles = new Map<string, ChannelThrottle>();

  constructor(adapter: Adapter, webhooks: WebhookDispatcher) {
    this.#adapter = adapter;
    this.#webhooks = webhooks;
  }

  /** Reports the cluster-wide count after a change made by this node. */
  changed(app: ResolvedApp, channel: string, kind: ChannelKind, count: number): void {
    if (!app.subscriptionCountEvents || kind === 'presence' || kind === 'server-to-user') return;
    const key = `${app.id}\u0000${channel}`;
    const state = this.#throttles.get(key);
    // A trailing update is already scheduled: it reads the count when it fires.
    if (state?.timer) return;
    const now = Date.now();
    const throttled =
      count > SUBSCRIPTION_COUNT_THROTTLE_ABOVE &&
      state !== undefined &&
      now - state.lastSentMs < SUBSCRIPTION_COUNT_THROTTLE_MS;
    if (!throttled) {
      this.#send(app, channel, count);
      this.#remember(key, now);
      return;
    }
    const delayMs = state.lastSentMs + SUBSCRIPTION_COUNT_THROTTLE_MS - now;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      state.lastSentMs = Date.now();
      this.#adapter.channel(app.id, channel).then(
        (info) => this.#send(app, channel, info?.subscriptionCount ?? 0),
        () => undefined,
      );
    }, delayMs);
    state.timer.unref();
  }

  /** Stops pending trailing updates (shutdown). */
  close(): void {
    for (const throttle of this.#throttles.values()) {
      if (throttle.timer) clearTimeout(throttle.timer);
    }
    this.#throttles.clear();
  }

  #remember(key: string, now: number): void {
    const existing = this.#throttles.get(key);
    if (existing) {
      existing.lastSentMs = now;
      return;
    }
    // Only channels that may need throttling are remembered for long; small ones are dropped
    // once their window has passed, so the map does not grow with every channel ever seen.
    this.#throttles.set(key, { lastSentMs: now, timer: undefined });
    if (this.#throttles.size > 10_000) this.#prune(now);
  }

  #prune(now: number): void {
    for (const [key, throttle] of this.#throttles) {
      if (!throttle.timer && now - throttle.lastSentMs >= SUBSCRIPTION_COUNT_THROTTLE_MS) {
        this.#throttles.delete(key);
      }
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
