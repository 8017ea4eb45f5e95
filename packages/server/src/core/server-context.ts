/**
 * @module core/server-context
 * Everything the WebSocket side needs from the rest of the server, in one object handed to each
 * protocol module (subscribe flow, client events, signin): options, apps, the adapter, webhooks,
 * metrics, logging and this node's local delivery index.
 */

import type { Adapter } from '../adapters/adapter';
import type { AppStore } from '../apps/app-store';
import type { SubscriptionCountNotifier } from '../channels/subscription-count';
import type { DebugFeed } from '../console/debug-feed';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { ResolvedServerOptions } from '../options';
import type { WebhookDispatcher } from '../webhooks/dispatcher';
import type { LocalRegistry } from './local-registry';

export interface CoreContext {
  readonly options: ResolvedServerOptions;
  readonly apps: AppStore;
  readonly adapter: Adapter;
  readonly webhooks: WebhookDispatcher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly registry: LocalRegistry;
  readonly subscriptionCounts: SubscriptionCountNotifier;
  /** The debug console's live log (absent: nothing is reported). */
  readonly debug?: DebugFeed;
}
