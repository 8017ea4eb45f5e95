/**
 * @module @pushwire/server
 * A Pusher Channels-compatible server: WebSocket protocol 7, the REST API, webhooks and cluster
 * adapters. The public surface is this file only (named exports). The Redis adapter has its own
 * entry point, `@pushwire/server/adapters/redis`.
 */

export type {
  Adapter,
  AdapterHandlers,
  AdapterHealth,
  CachedEvent,
  ChannelMessage,
  ChannelState,
  ClusterChange,
  MemberChange,
  MemberLimitReached,
  MemberLimits,
  PresenceMember,
  RateLimitKind,
  RateQuota,
  SubscriptionChange,
} from './adapters/adapter';
export { isMemberLimitReached } from './adapters/adapter';
export { AdapterUsageError } from './adapters/adapter-errors';
export type { Clock } from './adapters/local/expiring-store';
export { LocalAdapter, type LocalAdapterOptions } from './adapters/local/local-adapter';
export type { AppStore } from './apps/app-store';
export {
  type ConnectedRedisAppStore,
  connectRedisAppStore,
  RedisAppStoreUnreachableError,
} from './apps/connect-redis-app-store';
export {
  ENV_VARIABLES,
  type Environment,
  type FileServerOptions,
  type LoadServerOptionsInput,
  loadConfigFile,
  loadServerOptions,
  mergeOptions,
  optionsFromEnv,
} from './apps/load-config';
export {
  type AppStoreRedis,
  appsChangedChannel,
  appsKey,
  checkStoredApp,
  MAX_STORED_APPS,
  RedisAppStore,
  type StoredAppEntry,
  StoredAppError,
} from './apps/redis-app-store';
export type { AppsChange } from './apps/served-apps';
export type { AppMetrics, AppMetricsSet } from './observability/app-metrics';
export {
  createLogger,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  silentLogger,
} from './observability/logger';
export {
  HistogramSeries,
  type MetricLabels,
  MetricSeries,
  Metrics,
  type MetricsRegistryOptions,
} from './observability/metrics';
export type { EventObserver, PublishedEvent } from './observability/published-event';
export {
  type AppLimits,
  type AppOptions,
  type ConsoleOptions,
  type CorsOptions,
  DEFAULT_APP,
  type MetricsOptions,
  PUSHER_DEFAULT_LIMITS,
  RELAXED_LIMITS,
  type ResolvedApp,
  type ResolvedServerOptions,
  type ResolvedWebhookTarget,
  resolveServerOptions,
  ServerConfigError,
  type ServerOptions,
  type TlsOptions,
  type TransportChoice,
  type WebhookEventName,
  type WebhookTarget,
} from './options';
export { CloseCode, type CloseCodeValue, WS_CLOSE_MESSAGE_TOO_BIG } from './protocol/close-codes';
export {
  type AttachOptions,
  createServer,
  DEFAULT_USER_AUTHENTICATION_TIMEOUT_MS,
  PushwireServer,
  type ServerAddress,
  type ServerTimingOverrides,
} from './server';
export { PushwireServerError, ServerStateError } from './server-error';
export type { ServerWebhookEvent, WebhookBody } from './webhooks/events';
