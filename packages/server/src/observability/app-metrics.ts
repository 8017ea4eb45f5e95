/**
 * @module observability/app-metrics
 * The per-app series of one server, made once per configured app so hot paths (a frame received,
 * a fan-out, a REST publish) update a cached handle instead of building a label key. Apps are
 * configured, so the `app_id` label is bounded: an id that is not configured never gets series of
 * its own, it is counted under `app_id=""`.
 */
import type { HistogramSeries, MetricSeries, Metrics } from './metrics';

/** The series of one app (or of "no configured app", `app_id=""`). */
export class AppMetrics {
  readonly appId: string;
  readonly connections: MetricSeries;
  readonly messagesReceived: MetricSeries;
  readonly messagesSent: MetricSeries;
  readonly apiEvents: MetricSeries;
  readonly deliveryLatency: HistogramSeries;
  readonly webhookLatency: HistogramSeries;

  constructor(metrics: Metrics, appId: string) {
    const labels = { app_id: appId };
    this.appId = appId;
    this.connections = metrics.series('pushwire_connections', labels);
    this.messagesReceived = metrics.series('pushwire_messages_received_total', labels);
    this.messagesSent = metrics.series('pushwire_messages_sent_total', labels);
    this.apiEvents = metrics.series('pushwire_api_events_total', labels);
    this.deliveryLatency = metrics.histogram('pushwire_delivery_latency_seconds', labels);
    this.webhookLatency = metrics.histogram('pushwire_webhook_latency_seconds', labels);
  }
}

/** The {@link AppMetrics} of every configured app, made up front (dashboards see zeros at once). */
export class AppMetricsSet {
  readonly #metrics: Metrics;
  readonly #byId = new Map<string, AppMetrics>();
  /** Undefined: no app list was given, every id gets its own series (the caller bounds them). */
  #known: ReadonlySet<string> | undefined;
  #unknown: AppMetrics | undefined;

  constructor(metrics: Metrics, appIds?: readonly string[]) {
    this.#metrics = metrics;
    this.#known = appIds === undefined ? undefined : new Set(appIds);
    for (const id of appIds ?? []) this.#byId.set(id, new AppMetrics(metrics, id));
  }

  /** The series of app `appId`; those of `app_id=""` when it is not a configured app. */
  of(appId: string | undefined): AppMetrics {
    if (appId !== undefined) {
      const found = this.#byId.get(appId);
      if (found !== undefined) return found;
      if (this.#known === undefined) {
        const created = new AppMetrics(this.#metrics, appId);
        this.#byId.set(appId, created);
        return created;
      }
    }
    this.#unknown ??= new AppMetrics(this.#metrics, '');
    return this.#unknown;
  }

  /**
   * Follows a change of the app set (`server.reloadApps()`, the Redis app store): new apps get
   * their own series; the series of removed apps are dropped from the output.
   */
  track(appIds: readonly string[]): void {
    if (this.#known === undefined) return;
    this.#known = new Set(appIds);
    for (const id of [...this.#byId.keys()]) {
      if (this.#known.has(id)) continue;
      this.#byId.delete(id);
      this.#metrics.forgetApp(id);
    }
    for (const id of appIds) {
      if (!this.#byId.has(id)) this.#byId.set(id, new AppMetrics(this.#metrics, id));
    }
  }

  /** The `app_id` label value for `appId`: itself when configured, else ''. */
  label(appId: string | undefined): string {
    if (appId === undefined) return '';
    return this.#known === undefined || this.#known.has(appId) ? appId : '';
  }
}
