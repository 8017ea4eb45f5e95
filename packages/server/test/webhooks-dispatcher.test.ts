/**
 * The webhook dispatcher against a real local receiver: signatures checked with the official
 * `pusher` package and with `@pushwire/sdk`, exact Content-Type, batching, per-app single-event
 * mode, retry after a 500, giving up after the window, filtering, the vacate/remove debounce,
 * the bounded per-target queue (events and serialized bytes), and flushing on close().
 */
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pusher as SdkPusher } from '@pushwire/sdk';
import {
  listenUntilTestEnds,
  type ReceivedWebhook,
  startWebhookReceiver,
  waitUntil,
} from '@pushwire/test-support';
import Pusher from 'pusher';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type AppOptions,
  type ResolvedApp,
  resolveServerOptions,
  type WebhookTarget,
} from '../src/index';
import { createLogger, silentLogger } from '../src/observability/logger';
import { Metrics } from '../src/observability/metrics';
import { WebhookDispatcher, type WebhookDispatcherOptions } from '../src/webhooks/dispatcher';
import type { ServerWebhookEvent } from '../src/webhooks/events';

const HOOK_APP: AppOptions = { id: '77', key: 'hook-key', secret: 'hook-secret-9876' };

function appWith(webhooks: WebhookTarget[], extra: Partial<AppOptions> = {}): ResolvedApp {
  const options = resolveServerOptions({
    logger: silentLogger,
    apps: [{ ...HOOK_APP, ...extra, webhooks }],
  });
  return options.apps[0] as ResolvedApp;
}

function dispatcher(options: Partial<WebhookDispatcherOptions> = {}) {
  const metrics = new Metrics();
  const instance = new WebhookDispatcher({
    logger: silentLogger,
    metrics,
    batchMs: 20,
    retryBaseDelayMs: 10,
    ...options,
  });
  onTestFinished(() => instance.close(1_000));
  return { dispatcher: instance, metrics };
}

function eventsOf(hook: ReceivedWebhook): ServerWebhookEvent[] {
  return (JSON.parse(hook.rawBody) as { events: ServerWebhookEvent[] }).events;
}

function expectAuthentic(hook: ReceivedWebhook): void {
  expect(hook.headers['content-type']).toBe('application/json');
  expect(hook.headers['x-pusher-key']).toBe(HOOK_APP.key);
  const official = new Pusher({
    appId: HOOK_APP.id,
    key: HOOK_APP.key,
    secret: HOOK_APP.secret,
    host: '127.0.0.1',
  });
  expect(
    official
      .webhook({ headers: hook.headers as Record<string, string>, rawBody: hook.rawBody })
      .isValid(),
  ).toBe(true);
  const ours = new SdkPusher({ appId: HOOK_APP.id, key: HOOK_APP.key, secret: HOOK_APP.secret });
  expect(ours.webhook({ headers: hook.headers, body: hook.rawBody }).isValid()).toBe(true);
  const forged = new SdkPusher({ appId: HOOK_APP.id, key: HOOK_APP.key, secret: 'other-secret' });
  expect(forged.webhook({ headers: hook.headers, body: hook.rawBody }).isValid()).toBe(false);
}

describe('WebhookDispatcher', () => {
  it('batches events per target into one signed POST with time_ms', async () => {
    const receiver = await startWebhookReceiver();
    const { dispatcher: hooks, metrics } = dispatcher();
    const app = appWith([{ url: receiver.url }]);
    const before = Date.now();
    hooks.emit(app, { name: 'channel_occupied', channel: 'a' });
    hooks.emit(app, { name: 'member_added', channel: 'presence-a', user_id: '1' });
    hooks.emit(app, {
      name: 'client_event',
      channel: 'private-a',
      event: 'client-typing',
      data: '{"x":1}',
      socket_id: '1.2',
    });
    const [hook] = await receiver.waitFor(1);
    expectAuthentic(hook as ReceivedWebhook);
    const body = JSON.parse((hook as ReceivedWebhook).rawBody) as {
      time_ms: number;
      events: unknown[];
    };
    expect(body.time_ms).toBeGreaterThanOrEqual(before);
    expect(body.events).toEqual([
      { name: 'channel_occupied', channel: 'a' },
      { name: 'member_added', channel: 'presence-a', user_id: '1' },
      {
        name: 'client_event',
        channel: 'private-a',
        event: 'client-typing',
        data: '{"x":1}',
        socket_id: '1.2',
      },
    ]);
    await hooks.close();
    expect(receiver.received).toHaveLength(1);
    expect(metrics.get('pushwire_webhooks_sent_total', { result: 'ok' })).toBe(1);
  });

  it('sends one event per request when the app disables batching', async () => {
    const receiver = await startWebhookReceiver();
    const { dispatcher: hooks } = dispatcher();
    const app = appWith([{ url: receiver.url }], { webhookBatching: false });
    hooks.emit(app, { name: 'channel_occupied', channel: 'a' });
    hooks.emit(app, { name: 'channel_occupied', channel: 'b' });
    const hooksReceived = await receiver.waitFor(2);
    expect(hooksReceived.map((hook) => eventsOf(hook).length)).toEqual([1, 1]);
    for (const hook of hooksReceived) expectAuthentic(hook);
  });

  it('retries after a 500 with the same body and signature', async () => {
    const receiver = await startWebhookReceiver((index) => (index === 0 ? 500 : 200));
    const { dispatcher: hooks, metrics } = dispatcher();
    hooks.emit(appWith([{ url: receiver.url }]), { name: 'cache_miss', channel: 'cache-x' });
    const [first, second] = await receiver.waitFor(2);
    expect(first?.status).toBe(500);
    expect(second?.status).toBe(200);
    expect(second?.rawBody).toBe(first?.rawBody);
    expect(second?.headers['x-pusher-signature']).toBe(first?.headers['x-pusher-signature']);
    expectAuthentic(second as ReceivedWebhook);
    await hooks.close();
    expect(metrics.get('pushwire_webhooks_sent_total', { result: 'retry' })).toBe(1);
    expect(metrics.get('pushwire_webhooks_sent_total', { result: 'ok' })).toBe(1);
  });

  it('retries a refused connection and gives up after the retry window', async () => {
    const closed = createHttpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { dispatcher: hooks, metrics } = dispatcher({ retryWindowMs: 150, retryBaseDelayMs: 20 });
    hooks.emit(appWith([{ url: `http://127.0.0.1:${port}/gone` }]), {
      name: 'cache_miss',
      channel: 'c',
    });
    await waitUntil(() => metrics.get('pushwire_webhooks_sent_total', { result: 'failed' }) === 1);
    expect(metrics.get('pushwire_webhooks_sent_total', { result: 'retry' })).toBeGreaterThan(0);
    expect(hooks.pendingCount).toBe(0);
  });

  it('retries non-2xx answers and gives up after the retry window', async () => {
    const receiver = await startWebhookReceiver(() => 503);
    const { dispatcher: hooks, metrics } = dispatcher({ retryWindowMs: 200, retryBaseDelayMs: 20 });
    hooks.emit(appWith([{ url: receiver.url }]), { name: 'channel_vacated', channel: 'v' });
    await receiver.waitFor(2);
    await hooks.close(2_000);
    expect(metrics.get('pushwire_webhooks_sent_total', { result: 'failed' })).toBe(1);
    expect(hooks.pendingCount).toBe(0);
  });

  it('filters by event type and channel prefix, posting only matching events', async () => {
    const everything = await startWebhookReceiver();
    const filtered = await startWebhookReceiver();
    const { dispatcher: hooks } = dispatcher();
    const app = appWith([
      { url: everything.url },
      { url: filtered.url, events: ['member_added'], channelPrefix: 'presence-team-' },
    ]);
    hooks.emit(app, { name: 'member_added', channel: 'presence-other', user_id: '1' });
    hooks.emit(app, { name: 'channel_occupied', channel: 'presence-team-1' });
    hooks.emit(app, { name: 'member_added', channel: 'presence-team-1', user_id: '2' });
    const [hook] = await filtered.waitFor(1);
    expect(eventsOf(hook as ReceivedWebhook)).toEqual([
      { name: 'member_added', channel: 'presence-team-1', user_id: '2' },
    ]);
    const [all] = await everything.waitFor(1);
    expect(eventsOf(all as ReceivedWebhook)).toHaveLength(3);
  });

  it('filters by channel suffix, alone or with a prefix', async () => {
    const bySuffix = await startWebhookReceiver();
    const byBoth = await startWebhookReceiver();
    const { dispatcher: hooks } = dispatcher();
    const app = appWith([
      { url: bySuffix.url, events: ['channel_occupied'], channelSuffix: '-orders' },
      {
        url: byBoth.url,
        events: ['channel_occupied'],
        channelPrefix: 'private-',
        channelSuffix: '-orders',
      },
    ]);
    for (const channel of ['shop-orders', 'private-shop-orders', 'private-shop', 'orders-x']) {
      hooks.emit(app, { name: 'channel_occupied', channel });
    }
    const [suffixed] = await bySuffix.waitFor(1);
    expect(eventsOf(suffixed as ReceivedWebhook).map((event) => event.channel)).toEqual([
      'shop-orders',
      'private-shop-orders',
    ]);
    const [both] = await byBoth.waitFor(1);
    expect(eventsOf(both as ReceivedWebhook).map((event) => event.channel)).toEqual([
      'private-shop-orders',
    ]);
  });

  it('cancels a pending vacated when the channel is re-occupied, and sends it otherwise', async () => {
    const receiver = await startWebhookReceiver();
    const { dispatcher: hooks } = dispatcher();
    const app = appWith([{ url: receiver.url }]);
    hooks.emit(app, { name: 'channel_vacated', channel: 'flaky' }, { delayMs: 60_000 });
    hooks.emit(app, { name: 'channel_occupied', channel: 'flaky' });
    hooks.emit(
      app,
      { name: 'member_removed', channel: 'presence-p', user_id: 'u' },
      { delayMs: 60_000 },
    );
    hooks.emit(app, { name: 'member_added', channel: 'presence-p', user_id: 'u' });
    hooks.emit(
      app,
      { name: 'channel_vacated', channel: 'gone' },
      { delayMs: 30, confirm: async () => true },
    );
    hooks.emit(
      app,
      { name: 'channel_vacated', channel: 'back' },
      { delayMs: 30, confirm: async () => false },
    );
    const [hook] = await receiver.waitFor(1);
    expect(eventsOf(hook as ReceivedWebhook)).toEqual([
      { name: 'channel_vacated', channel: 'gone' },
    ]);
    await hooks.close();
    expect(receiver.received).toHaveLength(1);
  });

  it('drops events beyond the per-target event bound and counts them with the app id', async () => {
    const receiver = await startWebhookReceiver();
    const { dispatcher: hooks, metrics } = dispatcher({
      maxQueuedEventsPerTarget: 2,
      batchMs: 10_000,
    });
    const app = appWith([{ url: receiver.url }]);
    for (const channel of ['a', 'b', 'c', 'd'])
      hooks.emit(app, { name: 'channel_occupied', channel });
    expect(
      metrics.get('pushwire_webhooks_dropped_total', {
        app_id: HOOK_APP.id,
        reason: 'target_events_full',
      }),
    ).toBe(2);
    expect(metrics.get('pushwire_dropped_messages_total', { reason: 'webhook_queue_full' })).toBe(
      2,
    );
    await hooks.close();
    expect(receiver.received.map(eventsOf)).toEqual([
      [
        { name: 'channel_occupied', channel: 'a' },
        { name: 'channel_occupied', channel: 'b' },
      ],
    ]);
  });

  it('drops events beyond the per-target byte bound, counting the serialized size', async () => {
    const receiver = await startWebhookReceiver();
    const { dispatcher: hooks, metrics } = dispatcher({
      maxQueuedBytesPerTarget: 5_000,
      batchMs: 10_000,
    });
    const app = appWith([{ url: receiver.url }]);
    // 1,000 quotes become 2,000 bytes once escaped: two such events fit in 5,000 bytes, not three.
    const data = '"'.repeat(1_000);
    for (let index = 0; index < 3; index++) {
      hooks.emit(app, {
        name: 'client_event',
        channel: 'private-x',
        event: 'client-e',
        data,
        socket_id: '1.1',
      });
    }
    expect(hooks.queueStats.queuedEvents).toBe(2);
    expect(hooks.queueStats.queuedBytes).toBeGreaterThan(4_000);
    expect(hooks.queueStats.queuedBytes).toBeLessThanOrEqual(5_000);
    expect(
      metrics.get('pushwire_webhooks_dropped_total', {
        app_id: HOOK_APP.id,
        reason: 'target_bytes_full',
      }),
    ).toBe(1);
    await hooks.close();
    expect(receiver.received.flatMap(eventsOf)).toHaveLength(2);
    expect(hooks.queueStats).toEqual({ queuedEvents: 0, queuedBytes: 0, inFlightRequests: 0 });
  });

  it("keeps each app's guaranteed share of the total when another app fills it", async () => {
    const receiver = await startWebhookReceiver();
    const { dispatcher: hooks, metrics } = dispatcher({
      maxQueuedBytes: 20_000,
      maxQueuedBytesPerApp: 20_000,
      maxQueuedBytesPerTarget: 20_000,
      appCount: 2,
      batchMs: 10_000,
    });
    const [quiet, noisy] = resolveServerOptions({
      logger: silentLogger,
      apps: [
        { ...HOOK_APP, webhooks: [{ url: receiver.url }] },
        {
          id: 'noisy',
          key: 'noisy-key',
          secret: 'noisy-secret',
          webhooks: [{ url: receiver.url }],
        },
      ],
    }).apps as [ResolvedApp, ResolvedApp];
    const bigEvent = (index: number): ServerWebhookEvent => ({
      name: 'client_event',
      channel: 'private-x',
      event: 'client-e',
      data: 'x'.repeat(900),
      socket_id: `1.${index}`,
    });
    for (let index = 0; index < 50; index++) hooks.emit(noisy, bigEvent(index));
    expect(hooks.queuedBytesOf('noisy')).toBeLessThanOrEqual(10_000);
    expect(
      metrics.get('pushwire_webhooks_dropped_total', {
        app_id: 'noisy',
        reason: 'total_bytes_full',
      }),
    ).toBeGreaterThan(30);
    for (let index = 0; index < 9; index++) hooks.emit(quiet, bigEvent(index));
    expect(hooks.queuedBytesOf(HOOK_APP.id)).toBeGreaterThan(8_000);
    expect(metrics.render()).not.toContain(`app_id="${HOOK_APP.id}",reason=`);
    expect(hooks.queueStats.queuedBytes).toBeLessThanOrEqual(20_000);
    await hooks.close();
    const quietEvents = receiver.received
      .filter((hook) => hook.headers['x-pusher-key'] === HOOK_APP.key)
      .flatMap(eventsOf);
    expect(quietEvents).toHaveLength(9);
  });

  it('logs drops at most once per interval per app, without secrets', async () => {
    const lines: string[] = [];
    const { dispatcher: hooks, metrics } = dispatcher({
      logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
      maxQueuedEventsPerTarget: 1,
      batchMs: 10_000,
    });
    const app = appWith([{ url: 'http://user:hunter22@127.0.0.1:9/x?token=tok-123' }]);
    for (let index = 0; index < 100; index++)
      hooks.emit(app, { name: 'channel_occupied', channel: `c${index}` });
    expect(
      metrics.get('pushwire_webhooks_dropped_total', {
        app_id: HOOK_APP.id,
        reason: 'target_events_full',
      }),
    ).toBe(99);
    const warnings = lines.filter((line) => line.includes('webhook backlog full'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] as string)).toMatchObject({
      level: 'warn',
      app: HOOK_APP.id,
      reason: 'target_events_full',
      dropped: 1,
      url: 'http://127.0.0.1:9/x',
      limit: 1,
    });
    for (const secret of ['hunter22', 'tok-123', HOOK_APP.secret]) {
      expect(lines.join('\n')).not.toContain(secret);
    }
  });

  it('bounds the time and memory a receiver can take from one POST', async () => {
    const answers: ((res: ServerResponse) => void)[] = [
      // 2xx headers, then a body that never ends: the status decides once the deadline passes.
      (res) => {
        res.writeHead(200);
        res.write('partial');
      },
      // A 4 MiB answer: read only up to a small cap, then the socket is closed.
      (res) => {
        res.writeHead(200);
        res.end(Buffer.alloc(4 * 1_048_576));
      },
      // No answer at all: a timeout, retried.
      () => undefined,
    ];
    let index = 0;
    const server = createHttpServer((req, res) => {
      req.resume();
      const answer = answers[Math.min(index++, answers.length - 1)];
      answer?.(res);
    });
    const port = await listenUntilTestEnds(server);
    const { dispatcher: hooks, metrics } = dispatcher({
      batchMs: 0,
      requestTimeoutMs: 200,
      concurrencyPerTarget: 1,
      retryWindowMs: 250,
      retryBaseDelayMs: 10,
    });
    const app = appWith([{ url: `HTTP://127.0.0.1:${port}/h` }]);
    for (const channel of ['a', 'b', 'c']) hooks.emit(app, { name: 'channel_occupied', channel });
    await waitUntil(() => metrics.get('pushwire_webhooks_sent_total', { result: 'failed' }) === 1);
    expect(metrics.get('pushwire_webhooks_sent_total', { result: 'ok' })).toBe(2);
    expect(metrics.get('pushwire_webhooks_sent_total', { result: 'retry' })).toBeGreaterThan(0);
    expect(hooks.queueStats).toEqual({ queuedEvents: 0, queuedBytes: 0, inFlightRequests: 0 });
  });

  it('validates the webhook queue options of the server', () => {
    const resolved = resolveServerOptions({ logger: silentLogger });
    expect(resolved).toMatchObject({
      webhookMaxQueuedBytes: 67_108_864,
      webhookMaxQueuedBytesPerApp: 16_777_216,
      webhookMaxQueuedBytesPerTarget: 8_388_608,
      webhookMaxQueuedEventsPerTarget: 10_000,
      webhookConcurrencyPerTarget: 8,
      webhookRequestTimeoutMs: 10_000,
    });
    expect(() => resolveServerOptions({ webhookMaxQueuedBytes: 10 })).toThrow(
      'webhookMaxQueuedBytes',
    );
    expect(() => resolveServerOptions({ webhookConcurrencyPerTarget: 0 })).toThrow(
      'webhookConcurrencyPerTarget',
    );
    expect(() =>
      resolveServerOptions({ maxQueuedEvents: 5 } as unknown as Parameters<
        typeof resolveServerOptions
      >[0]),
    ).toThrow('unknown option');
  });

  it('refuses the removed maxQueuedEvents option with a clear error', () => {
    expect(
      () =>
        new WebhookDispatcher({
          logger: silentLogger,
          metrics: new Metrics(),
          ...({ maxQueuedEvents: 10 } as Partial<WebhookDispatcherOptions>),
        }),
    ).toThrow('maxQueuedEvents was replaced by maxQueuedEventsPerTarget');
    expect(
      () =>
        new WebhookDispatcher({ logger: silentLogger, metrics: new Metrics(), maxQueuedBytes: 0 }),
    ).toThrow('maxQueuedBytes must be an integer of at least 1');
  });

  it('flushes pending batches and debounced events on close, then ignores new events', async () => {
    const receiver = await startWebhookReceiver();
    const { dispatcher: hooks, metrics } = dispatcher({ batchMs: 60_000 });
    const app = appWith([{ url: receiver.url }]);
    hooks.emit(app, { name: 'channel_occupied', channel: 'x' });
    hooks.emit(app, { name: 'channel_vacated', channel: 'y' }, { delayMs: 60_000 });
    await hooks.close();
    const events = receiver.received.flatMap(eventsOf);
    expect(events).toEqual(
      expect.arrayContaining([
        { name: 'channel_occupied', channel: 'x' },
        { name: 'channel_vacated', channel: 'y' },
      ]),
    );
    hooks.emit(app, { name: 'channel_occupied', channel: 'late' });
    expect(metrics.get('pushwire_dropped_messages_total', { reason: 'webhook_closed' })).toBe(1);
  });

  it('keeps custom headers but never lets them replace the signed ones', async () => {
    const receiver = await startWebhookReceiver();
    const { dispatcher: hooks } = dispatcher();
    hooks.emit(appWith([{ url: receiver.url, headers: { 'X-Custom': 'yes' } }]), {
      name: 'channel_occupied',
      channel: 'h',
    });
    const [hook] = await receiver.waitFor(1);
    expect(hook?.headers['x-custom']).toBe('yes');
    expectAuthentic(hook as ReceivedWebhook);
    expect(() =>
      appWith([{ url: receiver.url, headers: { 'Content-Type': 'text/plain' } }]),
    ).toThrow('is set by the server and cannot be overridden');
    expect(() => appWith([{ url: receiver.url, headers: { 'Content-Length': '1' } }])).toThrow(
      'is part of the HTTP framing and cannot be set',
    );
    expect(() => appWith([{ url: receiver.url, headers: { 'X-Bad': 'a\u0000b' } }])).toThrow(
      'must be a single-line string',
    );
  });
});
