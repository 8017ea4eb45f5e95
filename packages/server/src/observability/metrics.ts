/**
 * @module observability/metrics
 * In-process counters, gauges and histograms rendered in the Prometheus text exposition format
 * (version 0.0.4), each with `# HELP` and `# TYPE`. A hot path keeps a handle on its series
 * ({@link Metrics.series}, {@link Metrics.histogram}): an update is then a field add, with no
 * label key built per call. Nothing is computed until `render()` (process metrics are read by
 * the scrape itself, see observability/process-metrics).
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/
 */

import { AppMetricsSet } from './app-metrics';

/** Label names and values of one series. */
export type MetricLabels = Readonly<Record<string, string>>;

/** The Content-Type of {@link Metrics.render}'s output. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Trigger-to-delivery latency buckets, in seconds (0.5 ms to 5 s). */
export const DELIVERY_LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
]);
/** Webhook request latency buckets, in seconds (5 ms to 30 s; the default deadline is 10 s). */
export const WEBHOOK_LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
]);
/** Garbage-collection pause buckets, in seconds. */
export const GC_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1,
]);

interface MetricDefinition {
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  /** Series always carry labels: no unlabelled zero line is rendered before the first update. */
  readonly lazy?: true;
  /** Upper bounds of a histogram's buckets (ascending; `+Inf` is added). */
  readonly buckets?: readonly number[];
}

/** Every metric the server exports, with its type and help text. */
export const METRIC_DEFINITIONS = {
  pushwire_connections: {
    type: 'gauge',
    help: 'Open WebSocket connections on this node, by app.',
    lazy: true,
  },
  pushwire_messages_received_total: {
    type: 'counter',
    help: 'WebSocket messages received from clients, by app.',
    lazy: true,
  },
  pushwire_messages_sent_total: {
    type: 'counter',
    help: 'WebSocket messages sent to clients, by app.',
    lazy: true,
  },
  pushwire_errors_total: {
    type: 'counter',
    help: 'Errors, by kind and app (app_id empty when no configured app was identified).',
    lazy: true,
  },
  pushwire_refusals_total: {
    type: 'counter',
    help: 'Connections, subscriptions, client messages and REST calls refused, by kind and app (app_id empty when no configured app was identified).',
    lazy: true,
  },
  pushwire_dropped_messages_total: {
    type: 'counter',
    help: 'Messages dropped instead of delivered, by reason.',
    lazy: true,
  },
  pushwire_http_requests_total: {
    type: 'counter',
    help: 'HTTP requests answered, by route and status code.',
    lazy: true,
  },
  pushwire_api_events_total: {
    type: 'counter',
    help: 'Events published through the REST API (one per channel), by app.',
    lazy: true,
  },
  pushwire_webhooks_sent_total: {
    type: 'counter',
    help: 'Webhook POSTs, by app and result (ok, retry, failed, dropped).',
    lazy: true,
  },
  pushwire_webhooks_dropped_total: {
    type: 'counter',
    help: 'Webhook events dropped instead of sent, by app and reason (target_events_full, target_bytes_full, app_bytes_full, total_bytes_full, shutdown, closed).',
    lazy: true,
  },
  pushwire_webhooks_queued_bytes: {
    type: 'gauge',
    help: 'Serialized bytes of webhook events an app has waiting, in flight or between retries.',
    lazy: true,
  },
  pushwire_adapter_up: {
    type: 'gauge',
    help: '1 when the cluster adapter is healthy, 0 otherwise.',
  },
  pushwire_delivery_latency_seconds: {
    type: 'histogram',
    help: 'Time from a REST publish accepted (on any node) to its frame handed to the sockets of this node, once per fan-out, by app.',
    lazy: true,
    buckets: DELIVERY_LATENCY_BUCKETS,
  },
  pushwire_webhook_latency_seconds: {
    type: 'histogram',
    help: 'Time of one webhook POST attempt, from its start to the answer (or the error), by app.',
    lazy: true,
    buckets: WEBHOOK_LATENCY_BUCKETS,
  },
  process_cpu_user_seconds_total: { type: 'counter', help: 'User CPU time spent, in seconds.' },
  process_cpu_system_seconds_total: {
    type: 'counter',
    help: 'System CPU time spent, in seconds.',
  },
  process_cpu_seconds_total: {
    type: 'counter',
    help: 'User and system CPU time spent, in seconds.',
  },
  process_resident_memory_bytes: { type: 'gauge', help: 'Resident memory size, in bytes.' },
  process_start_time_seconds: {
    type: 'gauge',
    help: 'Start time of the process since the Unix epoch, in seconds.',
  },
  process_open_fds: {
    type: 'gauge',
    help: 'Open file descriptors (where /proc exists).',
    lazy: true,
  },
  process_max_fds: {
    type: 'gauge',
    help: 'Maximum number of open file descriptors (where /proc exists).',
    lazy: true,
  },
  nodejs_heap_size_total_bytes: { type: 'gauge', help: 'JavaScript heap size, in bytes.' },
  nodejs_heap_size_used_bytes: { type: 'gauge', help: 'JavaScript heap used, in bytes.' },
  nodejs_external_memory_bytes: {
    type: 'gauge',
    help: 'Memory of C++ objects bound to JavaScript objects, in bytes.',
  },
  nodejs_eventloop_lag_seconds: {
    type: 'gauge',
    help: 'Event loop lag measured at the scrape: the delay of a setImmediate callback.',
  },
  nodejs_eventloop_lag_p50_seconds: {
    type: 'gauge',
    help: 'Median event loop delay since the previous scrape (perf_hooks.monitorEventLoopDelay).',
    lazy: true,
  },
  nodejs_eventloop_lag_p99_seconds: {
    type: 'gauge',
    help: '99th percentile event loop delay since the previous scrape.',
    lazy: true,
  },
  nodejs_eventloop_lag_max_seconds: {
    type: 'gauge',
    help: 'Largest event loop delay since the previous scrape.',
    lazy: true,
  },
  nodejs_gc_duration_seconds: {
    type: 'histogram',
    help: 'Garbage collection pauses, by kind (major, minor, incremental, weakcb), since the first scrape (Node only: Bun has no gc performance entries).',
    lazy: true,
    buckets: GC_DURATION_BUCKETS,
  },
} as const satisfies Record<string, MetricDefinition>;

/** A metric name the server knows. Other names are accepted (as untyped) for extensions. */
export type MetricName = keyof typeof METRIC_DEFINITIONS | (string & {});

const DEFINITIONS: Readonly<Record<string, MetricDefinition>> = METRIC_DEFINITIONS;

const METRIC_NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function seriesKey(labels: MetricLabels | undefined): string {
  if (labels === undefined) return '';
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  names.sort();
  let key = '';
  for (const name of names) {
    if (!LABEL_NAME_PATTERN.test(name)) throw new TypeError(`Invalid metric label name "${name}"`);
    key += `${key ? ',' : ''}${name}="${escapeLabelValue(labels[name] as string)}"`;
  }
  return key;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** One counter or gauge series. Keep it to update without a lookup. */
export class MetricSeries {
  value = 0;

  /** Adds `by` (default 1; negative for a gauge going down). */
  inc(by = 1): void {
    this.value += by;
  }

  set(value: number): void {
    this.value = value;
  }
}

/** One histogram series: counts per bucket, sum and count of the observations. */
export class HistogramSeries {
  readonly bounds: readonly number[];
  /** Observations per bucket (not cumulative); the last slot is `+Inf`. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one observation (seconds for the server's histograms). */
  observe(value: number): void {
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > (bounds[index] as number)) index++;
    this.counts[index] = (this.counts[index] as number) + 1;
    this.sum += value;
    this.count += 1;
  }
}

type Series = MetricSeries | HistogramSeries;

/** True when the series key holds every label of `wanted` (for {@link Metrics.get}). */
function keyMatches(key: string, wanted: MetricLabels): boolean {
  const pairs = `,${key},`;
  for (const [name, value] of Object.entries(wanted)) {
    if (!pairs.includes(`,${name}="${escapeLabelValue(value)}",`)) return false;
  }
  return true;
}

/** Options of {@link Metrics}. */
export interface MetricsRegistryOptions {
  /**
   * The configured app ids: only they get `app_id` series of their own, any other id is counted
   * under `app_id=""`. @default every id given (the caller keeps them bounded)
   */
  readonly appIds?: readonly string[];
}

/** Counters, gauges and histograms of one server. */
export class Metrics {
  readonly #series = new Map<string, Map<string, Series>>();
  /** The per-app series (`app_id` label), one cached set per configured app. */
  readonly apps: AppMetricsSet;

  constructor(options: MetricsRegistryOptions = {}) {
    this.apps = new AppMetricsSet(this, options.appIds);
  }

  /** Adds `by` (default 1) to a counter series. */
  inc(name: MetricName, labels?: MetricLabels, by = 1): void {
    this.series(name, labels).value += by;
  }

  /** Sets a gauge series to `value`. */
  set(name: MetricName, value: number, labels?: MetricLabels): void {
    this.series(name, labels).value = value;
  }

  /** Records one observation in a histogram series. */
  observe(name: MetricName, value: number, labels?: MetricLabels): void {
    this.histogram(name, labels).observe(value);
  }

  /**
   * The handle of one counter or gauge series (created at 0). Updating it is a field add: use it
   * on hot paths instead of {@link inc}, which builds the label key on every call.
   */
  series(name: MetricName, labels?: MetricLabels): MetricSeries {
    const map = this.#seriesOf(name);
    const key = seriesKey(labels);
    const found = map.get(key);
    if (found instanceof MetricSeries) return found;
    if (found !== undefined) throw new TypeError(`Metric "${name}" is a histogram`);
    const created = new MetricSeries();
    map.set(key, created);
    return created;
  }

  /** The handle of one histogram series (its buckets come from {@link METRIC_DEFINITIONS}). */
  histogram(name: MetricName, labels?: MetricLabels): HistogramSeries {
    const map = this.#seriesOf(name);
    const key = seriesKey(labels);
    const found = map.get(key);
    if (found instanceof HistogramSeries) return found;
    const buckets = DEFINITIONS[name]?.buckets;
    if (found !== undefined || buckets === undefined) {
      throw new TypeError(`Metric "${name}" is not a histogram`);
    }
    const created = new HistogramSeries(buckets);
    map.set(key, created);
    return created;
  }

  /**
   * The sum of the series of `name` whose labels include `labels` (all series when none are
   * given; a histogram series counts its observations). 0 when none matches.
   */
  get(name: MetricName, labels?: MetricLabels): number {
    const map = this.#series.get(name);
    if (map === undefined) return 0;
    let total = 0;
    for (const [key, series] of map) {
      if (labels !== undefined && !keyMatches(key, labels)) continue;
      total += series instanceof MetricSeries ? series.value : series.count;
    }
    return total;
  }

  /**
   * Drops every series labelled `app_id` = `appId` (an app removed without a restart), so the
   * output does not keep the series of every app a node ever served. Runs on reloads only.
   */
  forgetApp(appId: string): void {
    const wanted = { app_id: appId };
    for (const map of this.#series.values()) {
      for (const key of [...map.keys()]) if (keyMatches(key, wanted)) map.delete(key);
    }
  }

  /** Every series in the Prometheus text format, metrics sorted by name, ending with a newline. */
  render(): string {
    const lines: string[] = [];
    const names = new Set<string>([...Object.keys(METRIC_DEFINITIONS), ...this.#series.keys()]);
    for (const name of [...names].sort()) {
      const definition = DEFINITIONS[name];
      const series = this.#series.get(name);
      if (definition !== undefined) {
        lines.push(`# HELP ${name} ${definition.help}`, `# TYPE ${name} ${definition.type}`);
      } else {
        lines.push(`# TYPE ${name} untyped`);
      }
      if (series === undefined || series.size === 0) {
        // Known unlabelled metrics are exported as 0 so dashboards see them from the start.
        if (definition !== undefined && definition.lazy !== true) lines.push(`${name} 0`);
        continue;
      }
      for (const [key, value] of [...series].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (value instanceof HistogramSeries) renderHistogram(lines, name, key, value);
        else lines.push(`${name}${key ? `{${key}}` : ''} ${formatValue(value.value)}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  #seriesOf(name: string): Map<string, Series> {
    let series = this.#series.get(name);
    if (series === undefined) {
      if (!METRIC_NAME_PATTERN.test(name)) throw new TypeError(`Invalid metric name "${name}"`);
      series = new Map();
      this.#series.set(name, series);
    }
    return series;
  }
}

/** `_bucket` lines (cumulative, `le` last among the labels), `_sum` and `_count`. */
function renderHistogram(
  lines: string[],
  name: string,
  key: string,
  histogram: HistogramSeries,
): void {
  const prefix = key ? `${key},` : '';
  const labels = key ? `{${key}}` : '';
  let cumulative = 0;
  histogram.bounds.forEach((bound, index) => {
    cumulative += histogram.counts[index] as number;
    lines.push(`${name}_bucket{${prefix}le="${formatValue(bound)}"} ${cumulative}`);
  });
  lines.push(`${name}_bucket{${prefix}le="+Inf"} ${histogram.count}`);
  lines.push(`${name}_sum${labels} ${formatValue(histogram.sum)}`);
  lines.push(`${name}_count${labels} ${histogram.count}`);
}
