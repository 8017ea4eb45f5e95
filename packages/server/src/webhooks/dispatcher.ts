/**
 * @module webhooks/dispatcher
 * Sends webhooks off the hot path: filters events per target (event type, channel prefix),
 * collects them per (app, target) for a short window into one POST, signs exactly the bytes sent
 * (`X-Pusher-Signature` = HMAC-SHA256 of the body with the app secret), retries non-2xx answers
 * and network errors with exponential backoff for up to 5 minutes, and debounces
 * `channel_vacated` / `member_removed` so a quick re-join sends nothing.
 * @see https://pusher.com/docs/channels/server_api/webhooks/
 */
import { hmacSha256Hex } from '@pushwire/sdk';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { DEFAULT_WEBHOOK_BATCH_MS, type ResolvedApp, type ResolvedWebhookTarget } from '../options';
import type { ServerWebhookEvent } from './events';
import {
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  DEFAULT_RETRY_WINDOW_MS,
  nextRetryDelayMs,
  type RetryPolicy,
} from './retry-policy';
import { redactUrlsInText, redactWebhookUrl } from './webhook-url';

/** Events waiting in batches or deliveries beyond which new events are dropped. */
export const DEFAULT_MAX_QUEUED_EVENTS = 10_000;
/** Most events in one POST; a fuller batch is sent at once. */
export const DEFAULT_MAX_EVENTS_PER_REQUEST = 100;
/** Time allowed for one POST (connect to response headers). */
export const DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS = 10_000;
/** How long `close()` waits for pending sends by default. */
export const DEFAULT_WEBHOOK_CLOSE_TIMEOUT_MS = 5_000;
/** Minimum interval between two "queue full" warnings. */
const QUEUE_FULL_LOG_INTERVAL_MS = 10_000;

/** Options of {@link WebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Batching window per (app, target). `0` sends every event on its own. @default 50 */
  readonly batchMs?: number;
  /** @default 10000 */
  readonly maxQueuedEvents?: number;
  /** @default 100 */
  readonly maxEventsPerRequest?: number;
  /** Total retry window. @default 300000 (5 minutes) */
  readonly retryWindowMs?: number;
  /** @default 1000 */
  readonly retryBaseDelayMs?: number;
  /** @default 60000 */
  readonly retryMaxDelayMs?: number;
  /** @default 10000 */
  readonly requestTimeoutMs?: number;
  /** The fetch used to POST (injectable to simulate faults a real receiver cannot produce). */
  readonly fetch?: typeof fetch;
  /** Random source for the retry jitter. @default Math.random */
  readonly random?: () => number;
}

/** Options of one {@link WebhookDispatcher.emit} call. */
export interface EmitOptions {
  /** Wait this long before sending (the vacated / removed debounce). */
  readonly delayMs?: number;
  /** Called after the delay; the event is sent only if it resolves true (state re-checked). */
  readonly confirm?: () => Promise<boolean>;
}

interface Batch {
  readonly app: ResolvedApp;
  readonly target: ResolvedWebhookTarget;
  readonly events: ServerWebhookEvent[];
  timer: NodeJS.Timeout | undefined;
}

interface Delivery {
  readonly app: ResolvedApp;
  readonly target: ResolvedWebhookTarget;
  readonly body: string;
  readonly headers: Record<string, string>;
  readonly eventCount: number;
  readonly firstAttemptAt: number;
  attempt: number;
  retryTimer: NodeJS.Timeout | undefined;
  abort: AbortController | undefined;
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

/** Sends an app's webhook events to its targets. One per server. */
export class WebhookDispatcher {
  readonly #logger: Logger;
  readonly #metrics: Metrics;
  readonly #batchMs: number;
  readonly #maxQueuedEvents: number;
  readonly #maxEventsPerRequest: number;
  readonly #requestTimeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #fetch: typeof fetch;

  readonly #batches = new Map<string, Batch>();
  readonly #deliveries = new Set<Delivery>();
  readonly #debounced = new Map<string, Debounced>();
  #pendingConfirms = 0;
  #queuedEvents = 0;
  #closing = false;
  #lastQueueFullLogAt = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(options: WebhookDispatcherOptions) {
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#batchMs = options.batchMs ?? DEFAULT_WEBHOOK_BATCH_MS;
    this.#maxQueuedEvents = options.maxQueuedEvents ?? DEFAULT_MAX_QUEUED_EVENTS;
    this.#maxEventsPerRequest = options.maxEventsPerRequest ?? DEFAULT_MAX_EVENTS_PER_REQUEST;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS;
    this.#retry = {
      windowMs: options.retryWindowMs ?? DEFAULT_RETRY_WINDOW_MS,
      baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
      maxDelayMs: options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS,
      random: options.random ?? Math.random,
    };
    this.#fetch = options.fetch ?? fetch;
  }

  /** Events held in batches, debounces and unfinished deliveries (for tests and health). */
  get pendingCount(): number {
    return this.#queuedEvents + this.#debounced.size + this.#pendingConfirms;
  }

  /**
   * Queues `event` for every target of `app` that wants it. With `delayMs` the event waits (and is
   * sent only if `confirm` resolves true); a `channel_occupied` / `member_added` for the same
   * channel (and user) during the wait cancels both events. Never throws.
   */
  emit(app: ResolvedApp, event: ServerWebhookEvent, options?: EmitOptions): void {
    if (app.webhooks.length === 0) return;
    if (this.#closing) {
      this.#metrics.inc('pushwire_dropped_messages_total', { reason: 'webhook_closed' });
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
   * flushed, waiting retries are attempted once more) and waits up to `timeoutMs`; whatever is
   * still unsent then is aborted and counted as dropped. Idempotent.
   */
  async close(timeoutMs = DEFAULT_WEBHOOK_CLOSE_TIMEOUT_MS): Promise<void> {
    this.#closing = true;
    for (const key of [...this.#debounced.keys()]) this.#fireDebounced(key);
    for (const key of [...this.#batches.keys()]) this.#flush(key);
    for (const delivery of this.#deliveries) {
      if (delivery.retryTimer !== undefined) {
        clearTimeout(delivery.retryTimer);
        delivery.retryTimer = undefined;
        void this.#attempt(delivery);
      }
    }
    if (this.#isIdle()) return;
    let deadline: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      new Promise<false>((resolve) => this.#idleWaiters.push(() => resolve(false))),
      new Promise<true>((resolve) => {
        deadline = setTimeout(() => resolve(true), timeoutMs);
        deadline.unref();
      }),
    ]);
    clearTimeout(deadline);
    if (timedOut) {
      for (const delivery of [...this.#deliveries]) {
        delivery.abort?.abort();
        if (delivery.retryTimer !== undefined) clearTimeout(delivery.retryTimer);
        this.#finish(delivery, 'dropped');
      }
      this.#logger.warn('webhooks still unsent at shutdown were dropped');
    }
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

  /** Routes `event` to the targets that want it; during close() it is sent without batching. */
  #enqueue(app: ResolvedApp, event: ServerWebhookEvent): void {
    const targets = app.webhooks;
    for (let index = 0; index < targets.length; index++) {
      const target = targets[index] as ResolvedWebhookTarget;
      if (!target.events.includes(event.name)) continue;
      if (target.channelPrefix !== '' && !event.channel.startsWith(target.channelPrefix)) continue;
      if (this.#queuedEvents >= this.#maxQueuedEvents) {
        this.#dropForFullQueue(app, target);
        continue;
      }
      this.#queuedEvents++;
      if (!app.webhookBatching || this.#batchMs === 0 || this.#closing) {
        this.#deliver(app, target, [event]);
        continue;
      }
      const batchKey = `${app.id}\u0000${index}`;
      let batch = this.#batches.get(batchKey);
      if (batch === undefined) {
        batch = { app, target, events: [], timer: undefined };
        this.#batches.set(batchKey, batch);
      }
      batch.events.push(event);
      if (batch.events.length >= this.#maxEventsPerRequest) {
        this.#flush(batchKey);
      } else if (batch.timer === undefined) {
        batch.timer = setTimeout(() => this.#flush(batchKey), this.#batchMs);
        batch.timer.unref();
      }
    }
  }

  #dropForFullQueue(app: ResolvedApp, target: ResolvedWebhookTarget): void {
    this.#metrics.inc('pushwire_dropped_messages_total', { reason: 'webhook_queue_full' });
    this.#metrics.inc('pushwire_webhooks_sent_total', { result: 'dropped' });
    const now = Date.now();
    if (now - this.#lastQueueFullLogAt >= QUEUE_FULL_LOG_INTERVAL_MS) {
      this.#lastQueueFullLogAt = now;
      this.#logger.warn('webhook queue full; dropping events', {
        app: app.id,
        url: redactWebhookUrl(target.url),
        limit: this.#maxQueuedEvents,
      });
    }
  }

  #flush(batchKey: string): void {
    const batch = this.#batches.get(batchKey);
    if (batch === undefined) return;
    this.#batches.delete(batchKey);
    if (batch.timer !== undefined) clearTimeout(batch.timer);
    if (batch.events.length > 0) this.#deliver(batch.app, batch.target, batch.events);
  }

  #deliver(
    app: ResolvedApp,
    target: ResolvedWebhookTarget,
    events: readonly ServerWebhookEvent[],
  ): void {
    const body = JSON.stringify({ time_ms: Date.now(), events });
    const headers: Record<string, string> = {
      ...target.headers,
      'content-type': 'application/json',
      'x-pusher-key': app.key,
      'x-pusher-signature': hmacSha256Hex(app.secret, body),
    };
    const delivery: Delivery = {
      app,
      target,
      body,
      headers,
      eventCount: events.length,
      firstAttemptAt: Date.now(),
      attempt: 0,
      retryTimer: undefined,
      abort: undefined,
    };
    this.#deliveries.add(delivery);
    void this.#attempt(delivery);
  }

  async #attempt(delivery: Delivery): Promise<void> {
    delivery.attempt++;
    const abort = new AbortController();
    delivery.abort = abort;
    const timeout = setTimeout(() => abort.abort(), this.#requestTimeoutMs);
    timeout.unref();
    let failure: string;
    try {
      const response = await this.#fetch(delivery.target.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        signal: abort.signal,
        redirect: 'manual',
      });
      // Read the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) {
        this.#finish(delivery, 'ok');
        return;
      }
      failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = abort.signal.aborted ? 'timeout or abort' : describeNetworkError(error);
    } finally {
      clearTimeout(timeout);
      delivery.abort = undefined;
    }
    if (!this.#deliveries.has(delivery)) return; // dropped by close() meanwhile
    const elapsed = Date.now() - delivery.firstAttemptAt;
    const delay = this.#closing
      ? undefined
      : nextRetryDelayMs(this.#retry, delivery.attempt, elapsed);
    if (delay === undefined) {
      this.#logger.warn('webhook delivery failed; giving up', {
        app: delivery.app.id,
        url: redactWebhookUrl(delivery.target.url),
        attempts: delivery.attempt,
        reason: failure,
      });
      this.#finish(delivery, 'failed');
      return;
    }
    this.#metrics.inc('pushwire_webhooks_sent_total', { result: 'retry' });
    this.#logger.debug('webhook delivery failed; will retry', {
      app: delivery.app.id,
      url: redactWebhookUrl(delivery.target.url),
      attempt: delivery.attempt,
      delayMs: delay,
      reason: failure,
    });
    delivery.retryTimer = setTimeout(() => {
      delivery.retryTimer = undefined;
      void this.#attempt(delivery);
    }, delay);
    delivery.retryTimer.unref();
  }

  #finish(delivery: Delivery, result: 'ok' | 'failed' | 'dropped'): void {
    if (!this.#deliveries.delete(delivery)) return;
    this.#queuedEvents -= delivery.eventCount;
    this.#metrics.inc('pushwire_webhooks_sent_total', { result });
    if (result === 'dropped') {
      this.#metrics.inc(
        'pushwire_dropped_messages_total',
        { reason: 'webhook_shutdown' },
        delivery.eventCount,
      );
    }
    this.#notifyIfIdle();
  }

  #isIdle(): boolean {
    return (
      this.#deliveries.size === 0 &&
      this.#batches.size === 0 &&
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

/** A short reason for a failed fetch: the error code, else its message with URLs redacted. */
function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const code = cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
    return code ?? redactUrlsInText(error.message);
  }
  return 'network error';
}
