/**
 * @module options/resolve
 * `resolveServerOptions()`: validates every option, app and webhook and fills every default.
 */
import type { Adapter } from '../adapters/adapter';
import { ServerConfigError } from '../config-error';
import { trustedProxyProblem } from '../net/trusted-proxies';
import { createLogger, isLogLevel, type Logger } from '../observability/logger';
import type { EventObserver } from '../observability/published-event';
import {
  DEFAULT_ACTIVITY_TIMEOUT_SEC,
  DEFAULT_APP,
  DEFAULT_AUTH_TIMESTAMP_TOLERANCE_SEC,
  DEFAULT_HOST,
  DEFAULT_INBOUND_BYTE_BURST,
  DEFAULT_INBOUND_BYTES_PER_SECOND,
  DEFAULT_INBOUND_FRAME_BURST,
  DEFAULT_INBOUND_FRAMES_PER_SECOND,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_IP,
  DEFAULT_PONG_TIMEOUT_SEC,
  DEFAULT_PORT,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_USER_AUTHENTICATION_TIMEOUT_MS,
  DEFAULT_VACATE_DELAY_MS,
  DEFAULT_WEBHOOK_BATCH_MS,
  DEFAULT_WEBHOOK_CONCURRENCY_PER_TARGET,
  DEFAULT_WEBHOOK_MAX_QUEUED_BYTES,
  DEFAULT_WEBHOOK_MAX_QUEUED_BYTES_PER_APP,
  DEFAULT_WEBHOOK_MAX_QUEUED_BYTES_PER_TARGET,
  DEFAULT_WEBHOOK_MAX_QUEUED_EVENTS_PER_TARGET,
  DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS,
} from './defaults';
import { type AppLimits, PUSHER_DEFAULT_LIMITS, RELAXED_LIMITS } from './limits';
import { resolveApp, resolveLimits } from './resolve-app';
import { resolveCors } from './resolve-cors';
import { resolveMetrics } from './resolve-metrics';
import { resolveTls } from './resolve-tls';
import { resolveWebhookTargets } from './resolve-webhook-targets';
import type {
  ResolvedApp,
  ResolvedServerOptions,
  ResolvedWebhookTarget,
  ServerOptions,
  TransportChoice,
} from './types';
import {
  isObject,
  readArray,
  readBoolean,
  readInteger,
  readMatching,
  readObject,
  readString,
  rejectUnknownKeys,
  typeOf,
} from './validate';

/**
 * The server-wide numeric limits and timings (besides `port`): each is also settable from the
 * environment as `PUSHWIRE_` + its name in upper snake case (see apps/load-config).
 */
export const NUMERIC_SERVER_OPTION_KEYS = [
  'activityTimeoutSec',
  'pongTimeoutSec',
  'shutdownTimeoutMs',
  'maxBufferedBytes',
  'vacateDelayMs',
  'authTimestampToleranceSec',
  'maxConnections',
  'maxConnectionsPerIp',
  'requestTimeoutMs',
  'inboundFramesPerSecond',
  'inboundFrameBurst',
  'inboundBytesPerSecond',
  'inboundByteBurst',
  'webhookBatchMs',
  'webhookMaxQueuedBytes',
  'webhookMaxQueuedBytesPerApp',
  'webhookMaxQueuedBytesPerTarget',
  'webhookMaxQueuedEventsPerTarget',
  'webhookConcurrencyPerTarget',
  'webhookRequestTimeoutMs',
  'userAuthenticationTimeoutMs',
] as const satisfies readonly (keyof ServerOptions)[];

const SERVER_OPTION_KEYS: readonly (keyof ServerOptions)[] = [
  'host',
  'port',
  'apps',
  'relaxed',
  'webhooks',
  'adapter',
  'redisUrl',
  'redisKeyPrefix',
  'redisApps',
  'limits',
  'logger',
  'logLevel',
  'onEvent',
  'metrics',
  'console',
  'pathPrefix',
  'transport',
  'trustedProxies',
  'tls',
  'cors',
  ...NUMERIC_SERVER_OPTION_KEYS,
];

/** Smallest accepted webhook byte cap (one small event must fit). */
const MIN_WEBHOOK_QUEUE_BYTES = 1_024;

/** The `console` option: `{ enabled?: boolean }`. */
function readConsole(value: unknown): { readonly enabled: boolean | undefined } {
  if (value === undefined) return Object.freeze({ enabled: undefined });
  const raw = readObject(value, 'console');
  rejectUnknownKeys(raw, ['enabled'], 'console');
  const enabled = raw['enabled'];
  return Object.freeze({
    enabled: enabled === undefined ? undefined : readBoolean(enabled, 'console.enabled', false),
  });
}

/** The `trustedProxies` entries, each an IP or CIDR range. */
function resolveTrustedProxies(value: unknown): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  const entries = readArray(value, 'trustedProxies').map((entry, index) => {
    const option = `trustedProxies[${index}]`;
    const text = readString(entry, option).trim();
    const problem = trustedProxyProblem(text);
    if (problem !== undefined) throw new ServerConfigError(option, problem);
    return text;
  });
  return Object.freeze(entries);
}

/**
 * The apps (the development app when none are given); ids and keys must be unique. Used at start
 * and by `server.reloadApps()`.
 */
export function resolveApps(
  input: unknown,
  baseLimits: AppLimits,
  webhooks: readonly ResolvedWebhookTarget[],
): ResolvedApp[] {
  const list = readArray(input ?? [DEFAULT_APP], 'apps');
  if (list.length === 0) throw new ServerConfigError('apps', 'must contain at least one app');
  const apps = list.map((app, index) => resolveApp(app, `apps[${index}]`, baseLimits, webhooks));
  const seen = { id: new Set<string>(), key: new Set<string>() };
  apps.forEach((app, index) => {
    for (const field of ['id', 'key'] as const) {
      if (seen[field].has(app[field])) {
        throw new ServerConfigError(`apps[${index}].${field}`, 'is used by another app');
      }
      seen[field].add(app[field]);
    }
  });
  return apps;
}

function isLoggerLike(value: unknown): value is Logger {
  return (
    isObject(value) &&
    typeof value['debug'] === 'function' &&
    typeof value['info'] === 'function' &&
    typeof value['warn'] === 'function' &&
    typeof value['error'] === 'function'
  );
}

const TRANSPORTS: readonly TransportChoice[] = ['auto', 'node', 'bun'];

function readTransport(value: unknown): TransportChoice {
  if (value === undefined) return 'auto';
  const choice = TRANSPORTS.find((transport) => transport === value);
  if (choice === undefined) {
    throw new ServerConfigError('transport', 'must be one of auto, node, bun');
  }
  return choice;
}

function normalizePathPrefix(value: unknown): string {
  if (value === undefined || value === '' || value === '/') return '';
  if (typeof value !== 'string' || !value.startsWith('/') || /[?#\s]/.test(value)) {
    throw new ServerConfigError('pathPrefix', 'must be a path starting with "/" (e.g. "/pusher")');
  }
  return value.replace(/\/+$/, '');
}

/**
 * Validates `input` and fills every default.
 * @throws {ServerConfigError} naming the first invalid option (never showing a secret).
 */
export function resolveServerOptions(input: ServerOptions = {}): ResolvedServerOptions {
  const raw = readObject(input, 'options');
  rejectUnknownKeys(raw, SERVER_OPTION_KEYS, '');
  const integer = (name: keyof ServerOptions, fallback: number, min: number) =>
    readInteger(raw[name], name, fallback, min);

  const host = readString(raw['host'], 'host', DEFAULT_HOST);
  const port = readInteger(raw['port'], 'port', DEFAULT_PORT, 0, 65_535);
  const relaxed = readBoolean(raw['relaxed'], 'relaxed', false);
  const baseLimits = resolveLimits(
    raw['limits'],
    relaxed ? RELAXED_LIMITS : PUSHER_DEFAULT_LIMITS,
    'limits',
  );
  const webhooks = Object.freeze(resolveWebhookTargets(raw['webhooks'], 'webhooks'));
  const apps = resolveApps(raw['apps'], baseLimits, webhooks);

  const tls = resolveTls(raw['tls']);
  const cors = resolveCors(raw['cors']);

  const logLevel = raw['logLevel'] ?? 'info';
  if (!isLogLevel(logLevel)) {
    throw new ServerConfigError('logLevel', 'must be one of silent, error, warn, info, debug');
  }
  let logger: Logger;
  if (raw['logger'] === undefined) {
    const secrets = apps.map((app) => app.secret);
    if (tls?.passphrase !== undefined) secrets.push(tls.passphrase);
    logger = createLogger({ level: logLevel, secrets });
  } else if (isLoggerLike(raw['logger'])) {
    logger = raw['logger'];
  } else {
    throw new ServerConfigError('logger', 'must have debug, info, warn and error methods');
  }

  const onEvent = raw['onEvent'];
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new ServerConfigError('onEvent', `must be a function, got ${typeOf(onEvent)}`);
  }

  const adapter = raw['adapter'];
  if (adapter !== undefined && !isObject(adapter)) {
    throw new ServerConfigError('adapter', `must be an Adapter object, got ${typeOf(adapter)}`);
  }
  const redisUrl =
    raw['redisUrl'] === undefined
      ? undefined
      : readMatching(
          raw['redisUrl'],
          'redisUrl',
          /^rediss?(\+cluster)?:\/\//,
          'must start with redis://, rediss://, redis+cluster:// or rediss+cluster://',
        );

  const redisKeyPrefix =
    raw['redisKeyPrefix'] === undefined
      ? undefined
      : readMatching(
          raw['redisKeyPrefix'],
          'redisKeyPrefix',
          /^[\x21-\x7e]{1,64}$/,
          'must be 1 to 64 printable ASCII characters without spaces',
        );

  const resolved: ResolvedServerOptions = {
    host,
    port,
    apps: Object.freeze(apps),
    relaxed,
    limits: baseLimits,
    activityTimeoutSec: integer('activityTimeoutSec', DEFAULT_ACTIVITY_TIMEOUT_SEC, 1),
    pongTimeoutSec: integer('pongTimeoutSec', DEFAULT_PONG_TIMEOUT_SEC, 1),
    webhooks,
    logger,
    logLevel,
    metrics: resolveMetrics(raw['metrics'], host),
    console: readConsole(raw['console']),
    pathPrefix: normalizePathPrefix(raw['pathPrefix']),
    transport: readTransport(raw['transport']),
    shutdownTimeoutMs: integer('shutdownTimeoutMs', DEFAULT_SHUTDOWN_TIMEOUT_MS, 0),
    maxBufferedBytes: integer('maxBufferedBytes', DEFAULT_MAX_BUFFERED_BYTES, 1),
    vacateDelayMs: integer('vacateDelayMs', DEFAULT_VACATE_DELAY_MS, 0),
    webhookBatchMs: integer('webhookBatchMs', DEFAULT_WEBHOOK_BATCH_MS, 0),
    webhookMaxQueuedBytes: integer(
      'webhookMaxQueuedBytes',
      DEFAULT_WEBHOOK_MAX_QUEUED_BYTES,
      MIN_WEBHOOK_QUEUE_BYTES,
    ),
    webhookMaxQueuedBytesPerApp: integer(
      'webhookMaxQueuedBytesPerApp',
      DEFAULT_WEBHOOK_MAX_QUEUED_BYTES_PER_APP,
      MIN_WEBHOOK_QUEUE_BYTES,
    ),
    webhookMaxQueuedBytesPerTarget: integer(
      'webhookMaxQueuedBytesPerTarget',
      DEFAULT_WEBHOOK_MAX_QUEUED_BYTES_PER_TARGET,
      MIN_WEBHOOK_QUEUE_BYTES,
    ),
    webhookMaxQueuedEventsPerTarget: integer(
      'webhookMaxQueuedEventsPerTarget',
      DEFAULT_WEBHOOK_MAX_QUEUED_EVENTS_PER_TARGET,
      1,
    ),
    webhookConcurrencyPerTarget: integer(
      'webhookConcurrencyPerTarget',
      DEFAULT_WEBHOOK_CONCURRENCY_PER_TARGET,
      1,
    ),
    webhookRequestTimeoutMs: integer(
      'webhookRequestTimeoutMs',
      DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS,
      1,
    ),
    authTimestampToleranceSec: integer(
      'authTimestampToleranceSec',
      DEFAULT_AUTH_TIMESTAMP_TOLERANCE_SEC,
      1,
    ),
    maxConnections: integer('maxConnections', DEFAULT_MAX_CONNECTIONS, 0),
    maxConnectionsPerIp: integer('maxConnectionsPerIp', DEFAULT_MAX_CONNECTIONS_PER_IP, 0),
    trustedProxies: resolveTrustedProxies(raw['trustedProxies']),
    requestTimeoutMs: integer('requestTimeoutMs', DEFAULT_REQUEST_TIMEOUT_MS, 1),
    inboundFramesPerSecond: integer('inboundFramesPerSecond', DEFAULT_INBOUND_FRAMES_PER_SECOND, 0),
    inboundFrameBurst: integer('inboundFrameBurst', DEFAULT_INBOUND_FRAME_BURST, 1),
    inboundBytesPerSecond: integer('inboundBytesPerSecond', DEFAULT_INBOUND_BYTES_PER_SECOND, 0),
    inboundByteBurst: integer('inboundByteBurst', DEFAULT_INBOUND_BYTE_BURST, 1),
    ...(adapter === undefined ? {} : { adapter: adapter as unknown as Adapter }),
    ...(redisUrl === undefined ? {} : { redisUrl }),
    ...(redisKeyPrefix === undefined ? {} : { redisKeyPrefix }),
    redisApps: readBoolean(raw['redisApps'], 'redisApps', true),
    userAuthenticationTimeoutMs: integer(
      'userAuthenticationTimeoutMs',
      DEFAULT_USER_AUTHENTICATION_TIMEOUT_MS,
      1,
    ),
    ...(onEvent === undefined ? {} : { onEvent: onEvent as EventObserver }),
    ...(tls === undefined ? {} : { tls }),
    ...(cors === undefined ? {} : { cors }),
  };
  return Object.freeze(resolved);
}
