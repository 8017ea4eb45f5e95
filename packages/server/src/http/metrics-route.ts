/**
 * @module http/metrics-route
 * One scrape of `/metrics`, whichever listener serves it (the main port or the metrics port):
 * the process metrics and the adapter's health are read now, the request is counted, and every
 * series is rendered in the Prometheus text format.
 */
import type { Adapter } from '../adapters/adapter';
import { METRICS_CONTENT_TYPE, type Metrics } from '../observability/metrics';
import type { ProcessMetrics } from '../observability/process-metrics';
import type { HttpAnswer } from './exchange';

/** What a scrape reads. */
export interface MetricsSource {
  readonly metrics: Metrics;
  readonly adapter: Adapter;
  /** Absent: no process metrics (a handler mounted without a server). */
  readonly processMetrics?: ProcessMetrics | undefined;
}

/** The answer to one `GET /metrics`. Never rejects. */
export async function scrapeMetrics(source: MetricsSource): Promise<HttpAnswer> {
  const { metrics } = source;
  await source.processMetrics?.collect();
  metrics.set('pushwire_adapter_up', source.adapter.health().ok ? 1 : 0);
  // Counted before rendering so the output includes this request.
  metrics.inc('pushwire_http_requests_total', { route: 'metrics', status: '200' });
  const text = metrics.render();
  return {
    status: 200,
    headers: { 'content-type': METRICS_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) },
    body: text,
    closeConnection: false,
  };
}
