/**
 * @module core/server-context
 * Everything the protocol handlers, the WebSocket gateway and the HTTP side need from the rest of
 * the server, in one object made when the server starts (on the resolved adapter): options, apps,
 * the adapter, webhooks, metrics, logging, this node's local delivery index, subscription_count
 * updates, the REST rate limits, the lifecycle state for the health endpoints and the debug feed.
 */

import type { Adapter, RateLimitKind } from '../adapters/adapter';
import type { AppStore } from '../apps/app-store';
import type { SubscriptionCountNotifier } from '../channels/subscription-count';
import type { DebugFeed } from '../console/debug-feed';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { ProcessMetrics } from '../observability/process-metrics';
import type { ResolvedApp, ResolvedServerOptions } from '../options';
import type { WebhookDispatcher } from '../webhooks/dispatcher';
import type { LocalRegistry } from './local-registry';

/** The per-app REST rate limits of this node (http/rest-rate-limiter.ts). */
export interface RestRateLimits {
  /** Resolves when `units` fit `app`'s limit of `kind`, else rejects with a 429 (or 400). */
  enforce(app: ResolvedApp, kind: RateLimitKind, units: number): Promise<void>;
}

/** The server's parts, as every protocol module and route sees them. */
export interface ServerContext {
  readonly options: ResolvedServerOptions;
  readonly apps: AppStore;
  readonly adapter: Adapter;
  readonly webhooks: WebhookDispatcher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** This node's connections, indexed for fan-out. */
  readonly registry: LocalRegistry;
  readonly subscriptionCounts: SubscriptionCountNotifier;
  /** The per-app REST rate limits (`apiEventsPerSecond`, `apiReadsPerSecond`) of this node. */
  readonly rateLimiter: RestRateLimits;
  /** True once shutdown began: health and readiness answer 503. */
  isDraining(): boolean;
  /** Read at each scrape of `/metrics` (absent: no process metrics). */
  readonly processMetrics?: ProcessMetrics;
  /** The debug console's live log (absent: nothing is reported). */
  readonly debug?: DebugFeed;
}
