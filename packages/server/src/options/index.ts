/**
 * @module options
 * Server configuration: option types, defaults, limits, `resolveServerOptions()`, errors.
 */
export { ServerConfigError } from '../config-error';
export {
  DEFAULT_ACTIVITY_TIMEOUT_SEC,
  DEFAULT_APP,
  DEFAULT_APP_ID,
  DEFAULT_APP_KEY,
  DEFAULT_APP_SECRET,
  DEFAULT_AUTH_TIMESTAMP_TOLERANCE_SEC,
  DEFAULT_HOST,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_PONG_TIMEOUT_SEC,
  DEFAULT_PORT,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_VACATE_DELAY_MS,
  DEFAULT_WEBHOOK_BATCH_MS,
  DEFAULT_WEBHOOK_CONCURRENCY_PER_TARGET,
  DEFAULT_WEBHOOK_MAX_QUEUED_BYTES,
  DEFAULT_WEBHOOK_MAX_QUEUED_BYTES_PER_APP,
  DEFAULT_WEBHOOK_MAX_QUEUED_BYTES_PER_TARGET,
  DEFAULT_WEBHOOK_MAX_QUEUED_EVENTS_PER_TARGET,
  DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS,
} from './defaults';
export { type AppLimits, PUSHER_DEFAULT_LIMITS, RELAXED_LIMITS } from './limits';
export { resolveServerOptions } from './resolve';
export { DEFAULT_CORS_HEADERS, DEFAULT_CORS_MAX_AGE_SEC } from './resolve-cors';
export {
  type AppOptions,
  type ConsoleOptions,
  type CorsOptions,
  type MetricsOptions,
  type ResolvedApp,
  type ResolvedCorsOptions,
  type ResolvedMetricsOptions,
  type ResolvedServerOptions,
  type ResolvedTlsOptions,
  type ResolvedWebhookTarget,
  type ServerOptions,
  type TlsOptions,
  type TransportChoice,
  WEBHOOK_EVENT_NAMES,
  type WebhookEventName,
  type WebhookTarget,
} from './types';
