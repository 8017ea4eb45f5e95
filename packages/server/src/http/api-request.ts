/**
 * @module http/api-request
 * What the HTTP layer needs from the server: options, apps, the adapter, webhooks, metrics,
 * logging, the REST rate limits, and the lifecycle state for the health endpoints.
 */
import type { Adapter } from '../adapters/adapter';
import type { AppStore } from '../apps/app-store';
import type { DebugFeed } from '../console/debug-feed';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { ProcessMetrics } from '../observability/process-metrics';
import type { ResolvedApp, ResolvedServerOptions } from '../options';
import type { WebhookDispatcher } from '../webhooks/dispatcher';
import type { ConsoleHttp } from './console-http';
import type { RestRateLimiter } from './rest-rate-limiter';

/** The server's parts the HTTP handler uses. */
export interface HttpContext {
  readonly options: ResolvedServerOptions;
  readonly apps: AppStore;
  readonly adapter: Adapter;
  readonly webhooks: WebhookDispatcher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** The per-app REST rate limits (`apiEventsPerSecond`, `apiReadsPerSecond`) of this node. */
  readonly rateLimiter: RestRateLimiter;
  /** True once shutdown began: health and readiness answer 503. */
  isDraining(): boolean;
  /** Read at each scrape of `/metrics` (absent: no process metrics). */
  readonly processMetrics?: ProcessMetrics;
  /** The debug console's live log (absent: nothing is reported). */
  readonly debug?: DebugFeed;
  /** The debug console's page and API under `/console` (absent: 404). */
  readonly console?: ConsoleHttp;
}

/** One authenticated REST request, as route handlers see it. */
export interface ApiRequest {
  readonly app: ResolvedApp;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Decoded path parameter (channel name or user id), when the route has one. */
  readonly param: string;
}

/** What a route handler answers: a status and a JSON-serializable body. */
export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}
