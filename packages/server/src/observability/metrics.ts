/**
 * @module observability/metrics
 * In-process counters and gauges rendered in the Prometheus text exposition format (version
 * 0.0.4), each with `# HELP` and `# TYPE`. Updating a series is a map lookup; nothing is computed
 * until `render()`.
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/
 */

/** Label names and values of one series. */
export type MetricLabels = Readonly<Record<string, string>>;

/** The Content-Type of {@link Metrics.render}'s output. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface MetricDefinition {
  readonly type: 'counter' | 'gauge';
  readonly help: string;
}

/** Every metric the server exports, with its type and help text. */
export const METRIC_DEFINITIONS = {
  pushwire_connections: { type: 'gauge', help: 'Open WebSocket connections on this node.' },
  pushwire_messages_received_total: {
    type: 'counter',
    help: 'WebSocket messages received from clients.',
  },
  pushwire_messages_sent_total: { type: 'counter', help: 'WebSocket messages sent to clients.' },
  pushwire_errors_total: { type: 'counter', help: 'Errors, by kind.' },
  pushwire_refusals_total: {
    type: 'counter',
    help: 'Connections, subscriptions, client messages and REST calls refused, by kind and app (app_id empty when no configured app was identified).',
  },
  pushwire_dropped_messages_total: {
    type: 'counter',
    help: 'Messages dropped instead of delivered, by reason.',
  },
  pushwire_http_requests_total: {
    type: 'counter',
    help: 'HTTP requests answered, by route and status code.',
  },
  pushwire_api_events_total: {
    type: 'counter',
    help: 'Events published through the REST API (one per channel).',
  },
  pushwire_webhooks_sent_total: {
    type: 'counter',
    help: 'Webhook POSTs, by result (ok, retry, failed, dropped).',
  },
  pushwire_webhooks_dropped_total: {
    type: 'counter',
    help: 'Webhook events dropped instead of sent, by app and reason (target_events_full, target_bytes_full, app_bytes_full, total_bytes_full, shutdown, closed).',
  },
  pushwire_webhooks_queued_bytes: {
    type: 'gauge',
    help: 'Serialized bytes of webhook events an app has waiting, in flight or between retries.',
  },
  pushwire_adapter_up: {
    type: 'gauge',
    help: '1 when the cluster adapter is healthy, 0 otherwise.',
  },
} as const satisfies Record<string, MetricDefinition>;

/** A metric name the server knows. Other names are accepted (as untyped) for extensions. */
export type MetricName = keyof typeof METRIC_DEFINITIONS | (string & {});

/** Metrics whose series always carry labels (no unlabelled zero line is rendered for them). */
const LABELLED_METRICS: ReadonlySet<string> = new Set([
  'pushwire_errors_total',
  'pushwire_dropped_messages_total',
  'pushwire_http_requests_total',
  'pushwire_webhooks_sent_total',
  'pushwire_webhooks_dropped_total',
  'pushwire_webhooks_queued_bytes',
]);

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

/** Counters and gauges of one server. */
export class Metrics {
  readonly #series = new Map<string, Map<string, number>>();

  /** Adds `by` (default 1) to a counter series. */
  inc(name: MetricName, labels?: MetricLabels, by = 1): void {
    const series = this.#seriesOf(name);
    const key = seriesKey(labels);
    series.set(key, (series.get(key) ?? 0) + by);
  }

  /** Sets a gauge series to `value`. */
  set(name: MetricName, value: number, labels?: MetricLabels): void {
    this.#seriesOf(name).set(seriesKey(labels), value);
  }

  /** The current value of one series (0 when never touched). */
  get(name: MetricName, labels?: MetricLabels): number {
    return this.#series.get(name)?.get(seriesKey(labels)) ?? 0;
  }

  /** Every series in the Prometheus text format, metrics sorted by name, ending with a newline. */
  render(): string {
    const lines: string[] = [];
    const names = new Set<string>([...Object.keys(METRIC_DEFINITIONS), ...this.#series.keys()]);
    for (const name of [...names].sort()) {
      const definition = (METRIC_DEFINITIONS as Record<string, MetricDefinition>)[name];
      const series = this.#series.get(name);
      if (definition !== undefined) {
        lines.push(`# HELP ${name} ${definition.help}`, `# TYPE ${name} ${definition.type}`);
      } else {
        lines.push(`# TYPE ${name} untyped`);
      }
      if (series === undefined || series.size === 0) {
        // Known unlabelled metrics are exported as 0 so dashboards see them from the start.
        if (definition !== undefined && !LABELLED_METRICS.has(name)) lines.push(`${name} 0`);
        continue;
      }
      for (const [key, value] of [...series].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        lines.push(`${name}${key ? `{${key}}` : ''} ${formatValue(value)}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  #seriesOf(name: string): Map<string, number> {
    let series = this.#series.get(name);
    if (series === undefined) {
      if (!METRIC_NAME_PATTERN.test(name)) throw new TypeError(`Invalid metric name "${name}"`);
      series = new Map();
      this.#series.set(name, series);
    }
    return series;
  }
}
