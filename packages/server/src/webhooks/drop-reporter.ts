/**
 * @module webhooks/drop-reporter
 * Accounts for webhook events that are dropped instead of sent: every drop is counted in
 * `pushwire_webhooks_dropped_total{app_id,reason}` (and the older aggregate counters), and a warning
 * is logged at most once per interval per app, with the number dropped since the last one. Log
 * fields carry the app id, the reason and the redacted target URL: never a secret.
 */

import { redactWebhookUrl } from '../net/webhook-url';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { ResolvedApp, ResolvedWebhookTarget } from '../options';

/** Why webhook events were dropped. */
export type WebhookDropReason =
  /** The target already holds its maximum number of events. */
  | 'target_events_full'
  /** The target already holds its maximum number of bytes. */
  | 'target_bytes_full'
  /** The app already holds its maximum number of bytes (all its targets together). */
  | 'app_bytes_full'
  /** The byte cap shared by all apps is reached (beyond this app's guaranteed share). */
  | 'total_bytes_full'
  /** Still unsent when the shutdown deadline passed. */
  | 'shutdown'
  /** Emitted after the dispatcher was closed. */
  | 'closed';

/** Minimum interval between two drop warnings of one app. */
export const DROP_LOG_INTERVAL_MS = 10_000;

interface AppDropLog {
  lastLoggedAt: number;
  droppedSinceLog: number;
}

/** Counts and logs dropped webhook events. */
export class DropReporter {
  readonly #logger: Logger;
  readonly #metrics: Metrics;
  readonly #intervalMs: number;
  /** One entry per app that dropped events (apps are configured, so this stays small). */
  readonly #logs = new Map<string, AppDropLog>();

  constructor(logger: Logger, metrics: Metrics, intervalMs = DROP_LOG_INTERVAL_MS) {
    this.#logger = logger;
    this.#metrics = metrics;
    this.#intervalMs = intervalMs;
  }

  /** Records `count` events of `app` dropped for `reason` (toward `target` when known). */
  record(
    app: ResolvedApp,
    reason: WebhookDropReason,
    count: number,
    target?: ResolvedWebhookTarget,
    limit?: number,
  ): void {
    if (count <= 0) return;
    this.#metrics.inc('pushwire_webhooks_dropped_total', { app_id: app.id, reason }, count);
    this.#metrics.inc('pushwire_dropped_messages_total', { reason: legacyReason(reason) }, count);
    if (reason === 'shutdown' || reason === 'closed') return; // summarized by the dispatcher
    this.#metrics.inc('pushwire_webhooks_sent_total', { app_id: app.id, result: 'dropped' }, count);
    this.#logAtMostEveryInterval(app, reason, count, target, limit);
  }

  #logAtMostEveryInterval(
    app: ResolvedApp,
    reason: WebhookDropReason,
    count: number,
    target: ResolvedWebhookTarget | undefined,
    limit: number | undefined,
  ): void {
    let log = this.#logs.get(app.id);
    if (log === undefined) {
      log = { lastLoggedAt: Number.NEGATIVE_INFINITY, droppedSinceLog: 0 };
      this.#logs.set(app.id, log);
    }
    log.droppedSinceLog += count;
    const now = Date.now();
    if (now - log.lastLoggedAt < this.#intervalMs) return;
    this.#logger.warn('webhook backlog full; dropping events', {
      app: app.id,
      reason,
      dropped: log.droppedSinceLog,
      ...(target === undefined ? {} : { url: redactWebhookUrl(target.url) }),
      ...(limit === undefined ? {} : { limit }),
    });
    log.lastLoggedAt = now;
    log.droppedSinceLog = 0;
  }
}

/** The reason of the aggregate `pushwire_dropped_messages_total` counter (kept for dashboards). */
function legacyReason(reason: WebhookDropReason): string {
  switch (reason) {
    case 'shutdown':
      return 'webhook_shutdown';
    case 'closed':
      return 'webhook_closed';
    default:
      return 'webhook_queue_full';
  }
}
