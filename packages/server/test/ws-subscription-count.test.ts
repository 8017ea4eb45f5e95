/**
 * The subscription_count throttle: immediate up to 100 subscribers, then at most one frame (and
 * webhook) per 5 s carrying the count at the time it is sent. Uses the real LocalAdapter and
 * WebhookDispatcher with fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChannelMessage } from '../src/adapters/adapter';
import { LocalAdapter } from '../src/adapters/local/local-adapter';
import { SubscriptionCountNotifier } from '../src/channels/subscription-count';
import { Metrics } from '../src/observability/metrics';
import { resolveServerOptions } from '../src/options';
import { WebhookDispatcher } from '../src/webhooks/dispatcher';
import { APP } from './ws-helpers';

const app = resolveServerOptions({
  apps: [{ ...APP, subscriptionCountEvents: true }],
  logLevel: 'silent',
}).apps[0]!;

async function setup() {
  const delivered: ChannelMessage[] = [];
  const adapter = new LocalAdapter();
  await adapter.start({
    deliver: (message) => delivered.push(message),
    terminateUser: () => undefined,
    clusterChanged: () => undefined,
  });
  const webhooks = new WebhookDispatcher({ logger: silent, metrics: new Metrics() });
  const notifier = new SubscriptionCountNotifier(adapter, webhooks);
  const counts = () =>
    delivered.map(
      (m) =>
        (JSON.parse(JSON.parse(m.frame).data) as { subscription_count: number }).subscription_count,
    );
  return { adapter, notifier, counts, webhooks };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('SubscriptionCountNotifier', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends every change up to 100 subscribers', async () => {
    const { notifier, counts, adapter, webhooks } = await setup();
    for (let n = 1; n <= 100; n += 1) notifier.changed(app, 'news', 'public', n);
    expect(counts()).toHaveLength(100);
    notifier.close();
    await webhooks.close();
    await adapter.close();
  });

  it('throttles above 100 to one trailing update per 5 s with the current count', async () => {
    const { notifier, counts, adapter, webhooks } = await setup();
    for (let i = 0; i < 150; i += 1) await adapter.addSubscription(APP.id, 'big', `1.${i}`);
    notifier.changed(app, 'big', 'public', 101); // first over the threshold: sent at once
    for (let n = 102; n <= 150; n += 1) notifier.changed(app, 'big', 'public', n);
    await vi.advanceTimersByTimeAsync(0); // the cluster-wide claim resolves
    expect(counts()).toEqual([101]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(counts()).toEqual([101, 150]);
    notifier.changed(app, 'big', 'public', 150);
    expect(counts()).toEqual([101, 150]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(counts()).toEqual([101, 150, 150]);
    notifier.close();
    await webhooks.close();
    await adapter.close();
  });

  it('is cluster-wide above 100: nodes sharing the adapter send one update per window', async () => {
    const { notifier, counts, adapter, webhooks } = await setup();
    // A second node's notifier on the same cluster state (the LocalAdapter's claims are shared).
    const otherNode = new SubscriptionCountNotifier(adapter, webhooks);
    for (let i = 0; i < 150; i += 1) await adapter.addSubscription(APP.id, 'big', `1.${i}`);
    notifier.changed(app, 'big', 'public', 150);
    otherNode.changed(app, 'big', 'public', 150);
    await vi.advanceTimersByTimeAsync(0);
    expect(counts()).toEqual([150]);
    // The node that lost the claim retries once a window later, with the count at that time.
    await adapter.addSubscription(APP.id, 'big', '2.1');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(counts()).toEqual([150, 151]);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(counts()).toEqual([150, 151]);
    notifier.close();
    otherNode.close();
    await webhooks.close();
    await adapter.close();
  });

  it('never sends for presence channels or when the app disables it', async () => {
    const { notifier, counts, adapter, webhooks } = await setup();
    notifier.changed(app, 'presence-x', 'presence', 1);
    notifier.changed({ ...app, subscriptionCountEvents: false }, 'news', 'public', 1);
    expect(counts()).toEqual([]);
    notifier.close();
    await webhooks.close();
    await adapter.close();
  });
});
