/**
 * @module webhooks/dispatcher
 * Sends webhooks off the hot path: filters events per target (event type, channel prefix and suffix),
 * collects them per (app, target) for a short window into one POST, signs exactly the bytes sent
 * (`X-Pusher-Signature` = HMAC-SHA256 of the body with the app secret), retries non-2xx answers
 * and network errors with exponential backoff for up to 5 minutes, and debounces
 * `channel_vacated` / `member_removed` so a quick re-join sends nothing.
 *
 * Every (app, target) has its own backlog, capped in events and in serialized bytes, and at most
 * `concurrencyPerTarget` requests in flight; the bytes of all apps share one total cap in which each
 * app keeps a guaranteed share ({@link QueueBudget}). A dead or slow receiver therefore only fills
 * its own backlog: it never delays or drops another app's webhooks. Drops are counted per app and
 * reason and logged at most once per interval per app.
 * @see https://pusher.com/docs/channels/server_api/webhooks/
 */
import { hmacSha256Hex } from '@pushwire/sdk';
import { redactWebhookUrl } from '../net/webhook-url';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import {
  DEFAULT_WEBHOOK_BATCH_MS,
  DEFAULT_WEBHOOK_CONCURRENCY_PER_TARGET,
  DEFAULT_WEBHOOK_MAX_QUEUED_BYTES,
  DEFAULT_WEBHOOK_MAX_QUEUED_BYTES_PER_APP,
  DEFAULT_WEBHOOK_MAX_QUEUED_BYTES_PER_TARGET,
  DEFAULT_WEBHOOK_MAX_QUEUED_EVENTS_PER_TARGET,
  DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS,
  type ResolvedApp,
  type ResolvedWebhookTarget,
} from '../options';
import { DropReporter, type WebhookDropReason } from './drop-reporter';
import type { ServerWebhookEvent } from './events';
import { QueueBudget } from './queue-budget';
import {
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  DEFAULT_RETRY_WINDOW_MS,
  nextRetryDelayMs,
  type RetryPolicy,
} from './retry-policy';
import { type Delivery, type QueuedEvent, TargetQueue } from './target-queue';
import { type PostOutcome, WebhookHttpClient } from './webhook-http-client';

/** Most events in one POST; a fuller batch is sent at once. */
export const DEFAULT_MAX_EVENTS_PER_REQUEST = 100;
/** How long `close()` waits for pending sends by default. */
export const DEFAULT_WEBHOOK_CLOSE_TIMEOUT_MS = 5_000;
/** Bytes of `,` between two events in a body, counted with each event. */
const SEPARATOR_BYTES = 1;

/** A webhook attempt, as the dispatcher reports it. */
export interface WebhookAttemptReport {
  readonly appId: string;
  readonly target: string;
  readonly ok: boolean;
  /** HTTP status when one was received. */
  readonly status?: number | undefined;
  readonly reason?: string | undefined;
  readonly latencyMs: number;
  readonly attempt: number;
  readonly events: number;
}

/** Options of {@link WebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Batching window per (app, target). `0` sends every event on its own. @default 50 */
  readonly batchMs?: number;
  /** Events one (app, target) may hold (waiting, in flight, retrying). @default 10000 */
  readonly maxQueuedEventsPerTarget?: number;
  /** Serialized bytes one (app, target) may hold. @default 8 MiB */
  readonly maxQueuedBytesPerTarget?: number;
  /** Serialized bytes one app may hold over all its targets. @default 16 MiB */
  readonly maxQueuedBytesPerApp?: number;
  /** Serialized bytes all apps together may hold. @default 64 MiB */
  readonly maxQueuedBytes?: number;
  /**
   * Apps sharing `maxQueuedBytes`: each is guaranteed `min(perApp, total / appCount)` bytes that
   * the others cannot take. @default 1
   */
  readonly appCount?: number;
  /** Requests in flight at once toward one (app, target), batching on or off. @default 8 */
  readonly concurrencyPerTarget?: number;
  /** @default 100 */
  readonly maxEventsPerRequest?: number;
  /** Total retry window. @default 300000 (5 minutes) */
  readonly retryWindowMs?: number;
  /** @default 1000 */
  readonly retryBaseDelayMs?: number;
  /** @default 60000 */
  readonly retryMaxDelayMs?: number;
  /** Time allowed for one POST (connect, headers, body). @default 10000 */
  readonly requestTimeoutMs?: number;
  /** Random source for the retry jitter. @default Math.random */
  readonly random?: () => number;
  /** Told of every attempt (the debug console's feed). */
  readonly onAttempt?: (report: WebhookAttemptReport) => void;
}

/** Options that no longer exist, with what replaced them. */
const REMOVED_OPTIONS: Readonly<Record<string, string>> = {
  maxQueuedEvents:
    'maxQueuedEvents was replaced by maxQueuedEventsPerTarget (a cap per app and target) and the byte caps maxQueuedBytesPerTarget, maxQueuedBytesPerApp and maxQueuedBytes',
};

/** Options of one {@link WebhookDispatcher.emit} call. */
export interface EmitOptions {
  /** Wait this long before sending (the vacated / removed debounce). */
  readonly delayMs?: number;
  /** Called after the delay; the event is sent only if it resolves true (state re-checked). */
  readonly confirm?: () => Promise<boolean>;
}

/** What the backlog holds right now (for tests, health and metrics). */
export interface WebhookQueueStats {
  /** Events waiting, in flight or between retries, over all apps. */
  readonly queuedEvents: number;
  /** Their serialized bytes. */
  readonly queuedBytes: number;
  /** Requests in flight over all targets. */
  readonly inFlightRequests: number;
}

interface Debounced {
  readonly app: ResolvedApp;
  readonly event: ServerWebhookEvent;
  readonly confirm: (() => Promise<boolean>) | undefined;
  readonly timer: NodeJS.Timeout;
}

function debounceKey(appId: string, event: ServerWebhookEvent): string | undefined {
  switch (event.name) {
    case 'channel_occupied':
    case 'channel_vacated':
      return `c\u0000${appId}\u0000${event.channel}`;
    case 'member_added':
    case 'member_removed':
      return `m\u0000${appId}\u0000${event.channel}\u0000${event.user_id}`;
    default:
      return undefined;
  }
}

function positiveInteger(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`WebhookDispatcher option ${name} must be an integer of at least 1`);
  }
  return value;
}

/** Sends an app's webhook events to its targets. One per server. */
export class WebhookDispatcher {
  readonly #logger: Logger;
  readonly #metrics: Metrics;
  readonly #drops: DropReporter;
  readonly #budget: QueueBudget;
  readonly #batchMs: number;
  readonly #maxEventsPerTarget: number;
  readonly #maxBytesPerTarget: number;
  readonly #concurrencyPerTarget: number;
  readonly #maxEventsPerRequest: number;
  readonly #requestTimeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #http = new WebhookHttpClient();
  readonly #onAttempt: ((report: WebhookAttemptReport) => void) | undefined;

  /** One backlog per (app id, target index); apps and targets are configured, so few. */
  readonly #queues = new Map<string, TargetQueue>();
  readonly #deliveries = new Set<Delivery>();
  readonly #debounced = new Map<string, Debounced>();
  #pendingConfirms = 0;
  #queuedEvents = 0;
  #inFlight = 0;
  #closing = false;
  /** close() finished: even a late debounce confirmation no longer queues anything. */
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: WebhookDispatcherOptions) {
    for (const key of Object.keys(options)) {
      const replacement = REMOVED_OPTIONS[key];
      if (replacement !== undefined) throw new TypeError(replacement);
    }
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#onAttempt = options.onAttempt;
    this.#drops = new DropReporter(options.logger, options.metrics);
    this.#batchMs = options.batchMs ?? DEFAULT_WEBHOOK_BATCH_MS;
    this.#maxEventsPerTarget = positiveInteger(
      options.maxQueuedEventsPerTarget,
      'maxQueuedEventsPerTarget',
      DEFAULT_WEBHOOK_MAX_QUEUED_EVENTS_PER_TARGET,
    );
    this.#maxBytesPerTarget = positiveInteger(
      options.maxQueuedBytesPerTarget,
      'maxQueuedBytesPerTarget',
      DEFAULT_WEBHOOK_MAX_QUEUED_BYTES_PER_TARGET,
    );
    this.#budget = new QueueBudget({
      totalBytes: positiveInteger(
        options.maxQueuedBytes,
        'maxQueuedBytes',
        DEFAULT_WEBHOOK_MAX_QUEUED_BYTES,
      ),
      perAppBytes: positiveInteger(
        options.maxQueuedBytesPerApp,
        'maxQueuedBytesPerApp',
        DEFAULT_WEBHOOK_MAX_QUEUED_BYTES_PER_APP,
      ),
      appCount: positiveInteger(options.appCount, 'appCount', 1),
    });
    this.#concurrencyPerTarget = positiveInteger(
      options.concurrencyPerTarget,
      'concurrencyPerTarget',
      DEFAULT_WEBHOOK_CONCURRENCY_PER_TARGET,
    );
    this.#maxEventsPerRequest = positiveInteger(
      options.maxEventsPerRequest,
      'maxEventsPerRequest',
      DEFAULT_MAX_EVENTS_PER_REQUEST,
    );
    this.#requestTimeoutMs = positiveInteger(
      options.requestTimeoutMs,
      'requestTimeoutMs',
      DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS,
    );
    this.#retry = {
      windowMs: options.retryWindowMs ?? DEFAULT_RETRY_WINDOW_MS,
      baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
      maxDelayMs: options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS,
      random: options.random ?? Math.random,
    };
  }

  /** Events held in batches, debounces and unfinished deliveries (for tests and health). */
  get pendingCount(): number {
    return this.#queuedEvents + this.#debounced.size + this.#pendingConfirms;
  }

  /** What the backlog holds now, over all apps. */
  get queueStats(): WebhookQueueStats {
    return {
      queuedEvents: this.#queuedEvents,
      queuedBytes: this.#budget.totalUsed,
      inFlightRequests: this.#inFlight,
    };
  }

  /** Serialized bytes queued by one app. */
  queuedBytesOf(appId: string): number {
    return this.#budget.usedBy(appId);
  }

  /**
   * Queues `event` for every target of `app` that wants it. With `delayMs` the event waits (and is
   * sent only if `confirm` resolves true); a `channel_occupied` / `member_added` for the same
   * channel (and user) during the wait cancels both events. Never throws.
   */
  emit(app: ResolvedApp, event: ServerWebhookEvent, options?: EmitOptions): void {
    if (app.webhooks.length === 0) return;
    if (this.#closing) {
      this.#drops.record(app, 'closed', 1);
      return;
    }
    const key = debounceKey(app.id, event);
    if (key !== undefined && (event.name === 'channel_occupied' || event.name === 'member_added')) {
      const pending = this.#debounced.get(key);
      if (pending !== undefined) {
        // A quick re-join: neither the vacated/removed nor this occupied/added is sent.
        clearTimeout(pending.timer);
        this.#debounced.delete(key);
        this.#notifyIfIdle();
        return;
      }
    }
    const delayMs = options?.delayMs ?? 0;
    if (key !== undefined && delayMs > 0) {
      const previous = this.#debounced.get(key);
      if (previous !== undefined) clearTimeout(previous.timer);
      const timer = setTimeout(() => this.#fireDebounced(key), delayMs);
      timer.unref();
      this.#debounced.set(key, { app, event, confirm: options?.confirm, timer });
      return;
    }
    this.#enqueue(app, event);
  }

  /**
   * Stops accepting events, sends what is pending (debounced events are decided now, batches are
   * flushed, waiting retries are attempted once more, within the concurrency cap) and waits up to
   * `timeoutMs`; whatever is still unsent then is aborted and counted as dropped. Idempotent.
   */
  async close(timeoutMs = DEFAULT_WEBHOOK_CLOSE_TIMEOUT_MS): Promise<void> {
    this.#closing = true;
    for (const key of [...this.#debounced.keys()]) this.#fireDebounced(key);
    for (const delivery of this.#deliveries) {
      if (delivery.retryTimer === undefined) continue;
      clearTimeout(delivery.retryTimer);
      delivery.retryTimer = undefined;
      delivery.queue.retryReady.push(delivery);
    }
    for (const queue of this.#queues.values()) {
      if (queue.batchTimer !== undefined) clearTimeout(queue.batchTimer);
      queue.batchTimer = undefined;
      queue.due = true;
      this.#pump(queue);
    }
    if (!this.#isIdle()) await this.#waitForIdle(timeoutMs);
    this.#closed = true;
    this.#http.destroy();
  }

  async #waitForIdle(timeoutMs: number): Promise<void> {
    let deadline: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      new Promise<false>((resolve) => this.#idleWaiters.push(() => resolve(false))),
      new Promise<true>((resolve) => {
        deadline = setTimeout(() => resolve(true), timeoutMs);
        deadline.unref();
      }),
    ]);
    clearTimeout(deadline);
    if (timedOut) this.#dropEverythingUnsent();
  }

  #dropEverythingUnsent(): void {
    let dropped = 0;
    for (const queue of this.#queues.values()) {
      queue.retryReady.drain();
      const waiting = queue.waiting.drain();
      let bytes = 0;
      for (const event of waiting) bytes += event.bytes;
      this.#release(queue, waiting.length, bytes);
      this.#drops.record(queue.app, 'shutdown', waiting.length);
      dropped += waiting.length;
    }
    for (const delivery of [...this.#deliveries]) {
      delivery.abort?.abort();
      if (delivery.retryTimer !== undefined) clearTimeout(delivery.retryTimer);
      dropped += delivery.eventCount;
      this.#finish(delivery, 'dropped');
    }
    if (dropped > 0) {
      this.#logger.warn('webhooks still unsent at shutdown were dropped', { events: dropped });
    }
    this.#notifyIfIdle();
  }

  #fireDebounced(key: string): void {
    const pending = this.#debounced.get(key);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    this.#debounced.delete(key);
    if (pending.confirm === undefined) {
      this.#enqueue(pending.app, pending.event);
      return;
    }
    this.#pendingConfirms++;
    pending
      .confirm()
      .then(
        (send) => {
          if (send) this.#enqueue(pending.app, pending.event);
        },
        (error: unknown) => {
          // Unknown state: sending a possibly stale event beats losing a real one.
          this.#logger.warn('webhook confirmation failed; sending the event', {
            app: pending.app.id,
            event: pending.event.name,
            error,
          });
          this.#enqueue(pending.app, pending.event);
        },
      )
      .finally(() => {
        this.#pendingConfirms--;
        this.#notifyIfIdle();
      });
  }

  /** Routes `event` to the backlog of each target that wants it, within that backlog's caps. */
  #enqueue(app: ResolvedApp, event: ServerWebhookEvent): void {
    if (this.#closed) {
      this.#drops.record(app, 'closed', 1);
      return;
    }
    const targets = app.webhooks;
    let queued: QueuedEvent | undefined;
    for (let index = 0; index < targets.length; index++) {
      const target = targets[index] as ResolvedWebhookTarget;
      if (!target.events.includes(event.name)) continue;
      if (!event.channel.startsWith(target.channelPrefix)) continue;
      if (!event.channel.endsWith(target.channelSuffix)) continue;
      const queue = this.#queueFor(app, index);
      if (queue.events >= this.#maxEventsPerTarget) {
        this.#drops.record(app, 'target_events_full', 1, target, this.#maxEventsPerTarget);
        continue;
      }
      if (queued === undefined) {
        const json = JSON.stringify(event);
        queued = { json, bytes: Buffer.byteLength(json, 'utf8') + SEPARATOR_BYTES };
      }
      const refusal = this.#admitBytes(queue, queued.bytes);
      if (refusal !== undefined) {
        this.#drops.record(app, refusal, 1, target, this.#limitOf(refusal));
        continue;
      }
      queue.events++;
      queue.bytes += queued.bytes;
      this.#queuedEvents++;
      queue.waiting.push(queued);
      this.#updateGauges(app);
      this.#schedule(queue);
    }
  }

  #queueFor(app: ResolvedApp, index: number): TargetQueue {
    const key = `${app.id}\u0000${index}`;
    let queue = this.#queues.get(key);
    if (queue === undefined) {
      queue = new TargetQueue(app, app.webhooks[index] as ResolvedWebhookTarget);
      this.#queues.set(key, queue);
    }
    return queue;
  }

  /** Reserves `bytes` for one more event of `queue`, or says which byte cap is full. */
  #admitBytes(queue: TargetQueue, bytes: number): WebhookDropReason | undefined {
    if (queue.bytes + bytes > this.#maxBytesPerTarget) return 'target_bytes_full';
    return this.#budget.tryReserve(queue.app.id, bytes);
  }

  #limitOf(reason: WebhookDropReason): number | undefined {
    return reason === 'target_bytes_full' ? this.#maxBytesPerTarget : undefined;
  }

  /** Starts the batching window of `queue`, or sends at once when batching is off or it is full. */
  #schedule(queue: TargetQueue): void {
    if (!queue.app.webhookBatching || this.#batchMs === 0 || this.#closing) {
      queue.due = true;
    } else if (!queue.due && queue.batchTimer === undefined) {
      queue.batchTimer = setTimeout(() => {
        queue.batchTimer = undefined;
        queue.due = true;
        this.#pump(queue);
      }, this.#batchMs);
      queue.batchTimer.unref();
    }
    this.#pump(queue);
  }

  /** Starts requests for `queue` while it has free slots: due retries first, then new events. */
  #pump(queue: TargetQueue): void {
    const perRequest =
      queue.app.webhookBatching && this.#batchMs > 0 ? this.#maxEventsPerRequest : 1;
    while (queue.inFlight < this.#concurrencyPerTarget) {
      const retry = queue.retryReady.shift();
      if (retry !== undefined) {
        void this.#attempt(retry);
        continue;
      }
      const waiting = queue.waiting.length;
      if (waiting === 0 || (waiting < perRequest && !queue.due)) break;
      void this.#attempt(this.#createDelivery(queue, Math.min(perRequest, waiting)));
    }
    if (queue.waiting.length === 0) queue.due = false;
  }

  #createDelivery(queue: TargetQueue, count: number): Delivery {
    const { app, target } = queue;
    let json = '';
    let bytes = 0;
    for (let taken = 0; taken < count; taken++) {
      const event = queue.waiting.shift() as QueuedEvent;
      json += taken === 0 ? event.json : `,${event.json}`;
      bytes += event.bytes;
    }
    // Same bytes as JSON.stringify({ time_ms, events }): the events were serialized one by one.
    const body = `{"time_ms":${Date.now()},"events":[${json}]}`;
    const headers: Record<string, string> = {
      ...target.headers,
      'content-type': 'application/json',
      'x-pusher-key': app.key,
      'x-pusher-signature': hmacSha256Hex(app.secret, body),
    };
    const delivery: Delivery = {
      queue,
      body,
      headers,
      eventCount: count,
      bytes,
      firstAttemptAt: Date.now(),
      attempt: 0,
      retryTimer: undefined,
      abort: undefined,
    };
    this.#deliveries.add(delivery);
    return delivery;
  }

  async #attempt(delivery: Delivery): Promise<void> {
    const { queue } = delivery;
    delivery.attempt++;
    const abort = new AbortController();
    delivery.abort = abort;
    queue.inFlight++;
    this.#inFlight++;
    const startedAt = Date.now();
    const started = performance.now();
    const outcome = await this.#http.post({
      url: queue.target.url,
      headers: delivery.headers,
      body: delivery.body,
      timeoutMs: this.#requestTimeoutMs,
      signal: abort.signal,
    });
    this.#metrics.apps
      .of(queue.app.id)
      .webhookLatency.observe((performance.now() - started) / 1000);
    queue.inFlight--;
    this.#inFlight--;
    delivery.abort = undefined;
    this.#onAttempt?.({
      appId: queue.app.id,
      target: redactWebhookUrl(queue.target.url),
      ok: outcome.ok,
      status: outcome.status,
      reason: outcome.ok ? undefined : outcome.reason,
      latencyMs: Date.now() - startedAt,
      attempt: delivery.attempt,
      events: delivery.eventCount,
    });
    if (this.#deliveries.has(delivery)) this.#afterAttempt(delivery, outcome);
    this.#pump(queue);
  }

  #afterAttempt(delivery: Delivery, outcome: PostOutcome): void {
    if (outcome.ok) {
      this.#finish(delivery, 'ok');
      return;
    }
    const { app, target } = delivery.queue;
    const elapsed = Date.now() - delivery.firstAttemptAt;
    const delay = this.#closing
      ? undefined
      : nextRetryDelayMs(this.#retry, delivery.attempt, elapsed);
    if (delay === undefined) {
      this.#logger.warn('webhook delivery failed; giving up', {
        app: app.id,
        url: redactWebhookUrl(target.url),
        attempts: delivery.attempt,
        events: delivery.eventCount,
        reason: outcome.reason,
      });
      this.#finish(delivery, 'failed');
      return;
    }
    this.#metrics.inc('pushwire_webhooks_sent_total', { app_id: app.id, result: 'retry' });
    this.#logger.debug('webhook delivery failed; will retry', {
      app: app.id,
      url: redactWebhookUrl(target.url),
      attempt: delivery.attempt,
      delayMs: delay,
      reason: outcome.reason,
    });
    delivery.retryTimer = setTimeout(() => {
      delivery.retryTimer = undefined;
      delivery.queue.retryReady.push(delivery);
      this.#pump(delivery.queue);
    }, delay);
    delivery.retryTimer.unref();
  }

  #finish(delivery: Delivery, result: 'ok' | 'failed' | 'dropped'): void {
    if (!this.#deliveries.delete(delivery)) return;
    this.#release(delivery.queue, delivery.eventCount, delivery.bytes);
    this.#metrics.inc('pushwire_webhooks_sent_total', {
      app_id: delivery.queue.app.id,
      result,
    });
    if (result === 'dropped') {
      this.#drops.record(delivery.queue.app, 'shutdown', delivery.eventCount);
    }
    this.#notifyIfIdle();
  }

  /** Gives back what `events` of `queue` held. */
  #release(queue: TargetQueue, events: number, bytes: number): void {
    if (events === 0) return;
    queue.events -= events;
    queue.bytes -= bytes;
    this.#queuedEvents -= events;
    this.#budget.release(queue.app.id, bytes);
    this.#updateGauges(queue.app);
  }

  #updateGauges(app: ResolvedApp): void {
    const labels = { app_id: app.id };
    this.#metrics.set('pushwire_webhooks_queued_bytes', this.#budget.usedBy(app.id), labels);
  }

  #isIdle(): boolean {
    return (
      this.#deliveries.size === 0 &&
      this.#queuedEvents === 0 &&
      this.#debounced.size === 0 &&
      this.#pendingConfirms === 0
    );
  }

  #notifyIfIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
