/**
 * @module options
 * What the server accepts as configuration (`ServerOptions`, `AppOptions`, `AppLimits`,
 * `WebhookTarget`), Pusher's default limits, the `relaxed` development limits, and
 * `resolveServerOptions()`, which validates everything and fills every default. Errors are
 * `ServerConfigError`s that name the bad option and never echo a secret.
 */
import type { Adapter } from './adapters/adapter';
import { createLogger, isLogLevel, type Logger, type LogLevel } from './observability/logger';

// ---------------------------------------------------------------------------------------------
// Defaults

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 6001;
export const DEFAULT_APP_ID = 'app-id';
export const DEFAULT_APP_KEY = 'app-key';
export const DEFAULT_APP_SECRET = 'app-secret';
/** Seconds of silence before the server pings a client (sent as `activity_timeout`). */
export const DEFAULT_ACTIVITY_TIMEOUT_SEC = 120;
/** Seconds the server waits for a `pusher:pong` before closing with 4201. */
export const DEFAULT_PONG_TIMEOUT_SEC = 30;
/** How long `close()` drains connections and webhooks before forcing them shut. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** Per-connection outbound buffer above which messages are dropped (backpressure cap). */
export const DEFAULT_MAX_BUFFERED_BYTES = 1_048_576;
/** Delay before `channel_vacated` / `member_removed` webhooks (Pusher waits up to 3 s). */
export const DEFAULT_VACATE_DELAY_MS = 3_000;
/** Window during which webhook events for one target are collected into a single POST. */
export const DEFAULT_WEBHOOK_BATCH_MS = 50;
/** Accepted clock skew of a REST request's `auth_timestamp` (Pusher: 600 s). */
export const DEFAULT_AUTH_TIMESTAMP_TOLERANCE_SEC = 600;

/** Per-app limits. `0` means unlimited where the JSDoc says so. */
export interface AppLimits {
  /** Concurrent WebSocket connections for the app, cluster-wide. `0` = unlimited. @default 0 */
  readonly maxConnections: number;
  /** Bytes of an event's `data` (API and client events); larger → HTTP 413 / error 4301. @default 10240 */
  readonly maxEventBytes: number;
  /** Channels in one `POST /events`. @default 100 */
  readonly maxChannelsPerTrigger: number;
  /** Events in one `POST /batch_events`. @default 10 */
  readonly maxBatchEvents: number;
  /** Unique users in one presence channel. `0` = unlimited. @default 100 */
  readonly maxPresenceMembers: number;
  /** Bytes of a presence member's serialized `user_info`. @default 1024 */
  readonly maxPresenceUserInfoBytes: number;
  /** Characters of a user id (presence and sign-in). @default 128 */
  readonly maxUserIdLength: number;
  /** Characters of a channel name. @default 164 (Pusher's documented maximum) */
  readonly maxChannelNameLength: number;
  /** Characters of an event name. @default 200 */
  readonly maxEventNameLength: number;
  /** Client events each connection may send per second. `0` = unlimited. @default 10 */
  readonly clientEventsPerSecond: number;
  /** Bytes of one inbound WebSocket frame; larger frames close the connection. @default 32768 */
  readonly maxFrameBytes: number;
  /** Bytes of one REST request body; larger → HTTP 413. @default 262144 */
  readonly maxRequestBytes: number;
  /** Seconds a cache channel keeps the last API event. @default 1800 */
  readonly cacheTtlSec: number;
}

/** Pusher's limits for a standard plan: the defaults of every app. */
export const PUSHER_DEFAULT_LIMITS: AppLimits = Object.freeze({
  maxConnections: 0,
  maxEventBytes: 10_240,
  maxChannelsPerTrigger: 100,
  maxBatchEvents: 10,
  maxPresenceMembers: 100,
  maxPresenceUserInfoBytes: 1_024,
  maxUserIdLength: 128,
  maxChannelNameLength: 164,
  maxEventNameLength: 200,
  clientEventsPerSecond: 10,
  // A 10 KB data string can double when JSON-escaped inside the frame; 32 KB leaves room.
  maxFrameBytes: 32_768,
  // Ten 10 KB events, each possibly doubled by escaping, plus the envelope.
  maxRequestBytes: 262_144,
  cacheTtlSec: 1_800,
});

/**
 * Limits of `relaxed: true` (development): large payloads and presence channels, no connection
 * cap. Everything else keeps Pusher's behaviour so code that works here works on Pusher unless it
 * relies on a larger limit.
 */
export const RELAXED_LIMITS: AppLimits = Object.freeze({
  maxConnections: 0, // unlimited
  maxEventBytes: 1_048_576, // 1 MiB events
  maxChannelsPerTrigger: 1_000,
  maxBatchEvents: 100,
  maxPresenceMembers: 10_000,
  maxPresenceUserInfoBytes: 65_536, // 64 KiB user_info
  maxUserIdLength: 128,
  maxChannelNameLength: 200, // what every official SDK accepts
  maxEventNameLength: 200,
  clientEventsPerSecond: 100,
  maxFrameBytes: 4_194_304, // 4 MiB frames (a 1 MiB event, escaped, plus the envelope)
  maxRequestBytes: 16_777_216, // 16 MiB request bodies
  cacheTtlSec: 1_800,
});

const LIMIT_NAMES = Object.keys(PUSHER_DEFAULT_LIMITS) as (keyof AppLimits)[];

// ---------------------------------------------------------------------------------------------
// Shapes

/** The webhook events a server sends (Pusher's names). */
export type WebhookEventName =
  | 'channel_occupied'
  | 'channel_vacated'
  | 'member_added'
  | 'member_removed'
  | 'client_event'
  | 'cache_miss'
  | 'subscription_count';

export const WEBHOOK_EVENT_NAMES: readonly WebhookEventName[] = Object.freeze([
  'channel_occupied',
  'channel_vacated',
  'member_added',
  'member_removed',
  'client_event',
  'cache_miss',
  'subscription_count',
]);

/** One URL that receives webhooks. */
export interface WebhookTarget {
  /** `http:` or `https:` URL receiving the POSTs. */
  readonly url: string;
  /** Only these events are sent. @default every event */
  readonly events?: readonly WebhookEventName[];
  /** Extra request headers (cannot replace Content-Type or X-Pusher-*). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Only events whose channel starts with this prefix are sent. @default '' (all) */
  readonly channelPrefix?: string;
}

/** A webhook target with every field filled. */
export interface ResolvedWebhookTarget {
  readonly url: string;
  readonly events: readonly WebhookEventName[];
  readonly headers: Readonly<Record<string, string>>;
  readonly channelPrefix: string;
}

/** One Pusher app served by this server. */
export interface AppOptions {
  /** The app id used in REST paths (`/apps/{id}/...`). */
  readonly id: string;
  /** The public key clients connect with (`/app/{key}`) and REST requests carry (`auth_key`). */
  readonly key: string;
  /** Signs REST requests, channel auth and webhooks. Never logged. */
  readonly secret: string;
  /** Label for logs and metrics. @default the id */
  readonly name?: string;
  /** A disabled app refuses connections (4003) and REST requests (403). @default true */
  readonly enabled?: boolean;
  /** Allow `client-*` events on private and presence channels. @default true */
  readonly enableClientMessages?: boolean;
  /** Close connections that neither sign in nor join a private channel in time. @default false */
  readonly requireUserAuthentication?: boolean;
  /** Broadcast `pusher_internal:subscription_count` to non-presence channels. @default true */
  readonly subscriptionCountEvents?: boolean;
  /** Webhook targets of this app, in addition to the server-wide ones. */
  readonly webhooks?: readonly WebhookTarget[];
  /** Collect webhook events into one POST per batch window; `false` sends one event per POST. @default true */
  readonly webhookBatching?: boolean;
  /** Overrides of individual limits (on top of Pusher's or the relaxed defaults). */
  readonly limits?: Partial<AppLimits>;
  /** Origins (`https://example.com`) allowed to connect; empty = any origin. @default [] */
  readonly allowedOrigins?: readonly string[];
}

/** An app with every field filled; `webhooks` holds the server-wide targets followed by the app's. */
export interface ResolvedApp {
  readonly id: string;
  readonly key: string;
  readonly secret: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly enableClientMessages: boolean;
  readonly requireUserAuthentication: boolean;
  readonly subscriptionCountEvents: boolean;
  readonly webhooks: readonly ResolvedWebhookTarget[];
  readonly webhookBatching: boolean;
  readonly limits: AppLimits;
  readonly allowedOrigins: readonly string[];
}

/** What `createServer()` accepts. Every field is optional. */
export interface ServerOptions {
  /** Interface to listen on. Env `PUSHWIRE_HOST`. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to listen on; `0` picks a free one. Env `PUSHWIRE_PORT`. @default 6001 */
  readonly port?: number;
  /** Apps served. @default one development app: id 'app-id', key 'app-key', secret 'app-secret' */
  readonly apps?: readonly AppOptions[];
  /** Development limits ({@link RELAXED_LIMITS}) instead of Pusher's. Env `PUSHWIRE_RELAXED`. @default false */
  readonly relaxed?: boolean;
  /** @default 120 */
  readonly activityTimeoutSec?: number;
  /** @default 30 */
  readonly pongTimeoutSec?: number;
  /** Webhook targets applied to every app. Env `PUSHWIRE_WEBHOOK_URLS`. @default [] */
  readonly webhooks?: readonly WebhookTarget[];
  /** Cluster adapter. @default an in-process LocalAdapter (created by the server) */
  readonly adapter?: Adapter;
  /** Redis URL for the Redis adapter, used when `adapter` is not given. Env `PUSHWIRE_REDIS_URL`. */
  readonly redisUrl?: string;
  /** Where logs go. @default a JSON logger on stderr at `logLevel` */
  readonly logger?: Logger;
  /** Env `PUSHWIRE_LOG_LEVEL`. @default 'info' */
  readonly logLevel?: LogLevel;
  /** Serve `/metrics` in Prometheus format. @default true */
  readonly metrics?: boolean;
  /** Path prefix the server is mounted under (e.g. '/pusher'); requests work with or without it. @default '' */
  readonly pathPrefix?: string;
  /** @default 10000 */
  readonly shutdownTimeoutMs?: number;
  /** Per-connection outbound buffer cap (backpressure). @default 1048576 */
  readonly maxBufferedBytes?: number;
  /** Delay before `channel_vacated` / `member_removed` webhooks. @default 3000 */
  readonly vacateDelayMs?: number;
  /** Webhook batching window. @default 50 */
  readonly webhookBatchMs?: number;
  /** Accepted skew of a REST `auth_timestamp`, in seconds. @default 600 */
  readonly authTimestampToleranceSec?: number;
}

/** The options with every default filled. `adapter` stays optional: the server creates the default. */
export interface ResolvedServerOptions {
  readonly host: string;
  readonly port: number;
  readonly apps: readonly ResolvedApp[];
  readonly relaxed: boolean;
  readonly activityTimeoutSec: number;
  readonly pongTimeoutSec: number;
  readonly webhooks: readonly ResolvedWebhookTarget[];
  readonly adapter?: Adapter;
  readonly redisUrl?: string;
  readonly logger: Logger;
  readonly logLevel: LogLevel;
  readonly metrics: boolean;
  /** Normalized: '' or '/segment' without a trailing slash. */
  readonly pathPrefix: string;
  readonly shutdownTimeoutMs: number;
  readonly maxBufferedBytes: number;
  readonly vacateDelayMs: number;
  readonly webhookBatchMs: number;
  readonly authTimestampToleranceSec: number;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** A configuration value is missing or invalid. `option` is its path, e.g. `apps[0].secret`. */
export class ServerConfigError extends Error {
  override readonly name = 'ServerConfigError';
  readonly code = 'PUSHWIRE_ERR_SERVER_CONFIG';
  /** Path of the offending option (`port`, `apps[1].limits.maxEventBytes`, ...). */
  readonly option: string;
  /** The problem alone, without the option name or source. */
  readonly problem: string;

  /**
   * @param option path of the bad option
   * @param problem what is wrong (never containing a secret value)
   * @param source where the option came from (a config file path, the environment), if known
   */
  constructor(option: string, problem: string, source?: string) {
    super(`Invalid server option "${option}"${source ? ` in ${source}` : ''}: ${problem}`);
    this.option = option;
    this.problem = problem;
  }
}

// ---------------------------------------------------------------------------------------------
// Validation helpers

const SERVER_OPTION_KEYS: readonly string[] = [
  'host',
  'port',
  'apps',
  'relaxed',
  'activityTimeoutSec',
  'pongTimeoutSec',
  'webhooks',
  'adapter',
  'redisUrl',
  'logger',
  'logLevel',
  'metrics',
  'pathPrefix',
  'shutdownTimeoutMs',
  'maxBufferedBytes',
  'vacateDelayMs',
  'webhookBatchMs',
  'authTimestampToleranceSec',
];

const APP_OPTION_KEYS: readonly string[] = [
  'id',
  'key',
  'secret',
  'name',
  'enabled',
  'enableClientMessages',
  'requireUserAuthentication',
  'subscriptionCountEvents',
  'webhooks',
  'webhookBatching',
  'limits',
  'allowedOrigins',
];

const WEBHOOK_TARGET_KEYS: readonly string[] = ['url', 'events', 'headers', 'channelPrefix'];

/** Characters an app id or key may contain (they appear in URL paths and query strings). */
const APP_IDENTIFIER_PATTERN = /^[A-Za-z0-9_\-.~]+$/;
/** Header names a webhook target may not set: the dispatcher owns them. */
const RESERVED_WEBHOOK_HEADERS = new Set(['content-type', 'x-pusher-key', 'x-pusher-signature']);
const HEADER_NAME_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A short description of a value's type, safe to print (never the value itself). */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknownKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ServerConfigError(path === '' ? key : `${path}.${key}`, 'unknown option');
    }
  }
}

function readString(value: unknown, option: string, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0) {
    throw new ServerConfigError(option, `must be a non-empty string, got ${typeOf(value)}`);
  }
  return value;
}

function readBoolean(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ServerConfigError(option, `must be true or false, got ${typeOf(value)}`);
  }
  return value;
}

function readInteger(
  value: unknown,
  option: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const shown = typeof value === 'number' ? String(value) : typeOf(value);
    throw new ServerConfigError(option, `must be an integer from ${min} to ${max}, got ${shown}`);
  }
  return value;
}

function readHttpUrl(value: unknown, option: string): string {
  const text = readString(value, option);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new ServerConfigError(option, 'must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ServerConfigError(option, 'must use http: or https:');
  }
  return text;
}

function resolveLimits(input: unknown, base: AppLimits, option: string): AppLimits {
  if (input === undefined) return base;
  if (!isPlainObject(input)) {
    throw new ServerConfigError(option, `must be an object, got ${typeOf(input)}`);
  }
  rejectUnknownKeys(input, LIMIT_NAMES, option);
  const limits: Record<string, number> = { ...base };
  for (const name of LIMIT_NAMES) {
    const min =
      name === 'maxConnections' || name === 'maxPresenceMembers' || name === 'clientEventsPerSecond'
        ? 0
        : 1;
    limits[name] = readInteger(input[name], `${option}.${name}`, base[name], min);
  }
  return Object.freeze(limits as unknown as AppLimits);
}

function resolveWebhookTarget(input: unknown, option: string): ResolvedWebhookTarget {
  if (!isPlainObject(input)) {
    throw new ServerConfigError(option, `must be an object with a url, got ${typeOf(input)}`);
  }
  rejectUnknownKeys(input, WEBHOOK_TARGET_KEYS, option);
  const url = readHttpUrl(input['url'], `${option}.url`);

  let events: readonly WebhookEventName[] = WEBHOOK_EVENT_NAMES;
  if (input['events'] !== undefined) {
    const list = input['events'];
    if (!Array.isArray(list)) {
      throw new ServerConfigError(`${option}.events`, `must be an array, got ${typeOf(list)}`);
    }
    list.forEach((name: unknown, index) => {
      if (!WEBHOOK_EVENT_NAMES.includes(name as WebhookEventName)) {
        throw new ServerConfigError(
          `${option}.events[${index}]`,
          `must be one of ${WEBHOOK_EVENT_NAMES.join(', ')}`,
        );
      }
    });
    events = Object.freeze([...new Set(list as WebhookEventName[])]);
  }

  const headers: Record<string, string> = {};
  if (input['headers'] !== undefined) {
    const given = input['headers'];
    if (!isPlainObject(given)) {
      throw new ServerConfigError(`${option}.headers`, `must be an object, got ${typeOf(given)}`);
    }
    for (const [name, value] of Object.entries(given)) {
      const headerOption = `${option}.headers.${name}`;
      if (!HEADER_NAME_PATTERN.test(name)) {
        throw new ServerConfigError(headerOption, 'is not a valid header name');
      }
      if (RESERVED_WEBHOOK_HEADERS.has(name.toLowerCase())) {
        throw new ServerConfigError(headerOption, 'is set by the server and cannot be overridden');
      }
      if (typeof value !== 'string' || /[\r\n]/.test(value)) {
        throw new ServerConfigError(headerOption, 'must be a single-line string');
      }
      headers[name] = value;
    }
  }

  const prefix = input['channelPrefix'];
  if (prefix !== undefined && typeof prefix !== 'string') {
    throw new ServerConfigError(
      `${option}.channelPrefix`,
      `must be a string, got ${typeOf(prefix)}`,
    );
  }
  return Object.freeze({
    url,
    events,
    headers: Object.freeze(headers),
    channelPrefix: prefix ?? '',
  });
}

function resolveWebhookTargets(input: unknown, option: string): ResolvedWebhookTarget[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) {
    throw new ServerConfigError(option, `must be an array, got ${typeOf(input)}`);
  }
  return input.map((target: unknown, index) => resolveWebhookTarget(target, `${option}[${index}]`));
}

function resolveApp(
  input: unknown,
  option: string,
  baseLimits: AppLimits,
  serverWebhooks: readonly ResolvedWebhookTarget[],
): ResolvedApp {
  if (!isPlainObject(input)) {
    throw new ServerConfigError(option, `must be an object, got ${typeOf(input)}`);
  }
  rejectUnknownKeys(input, APP_OPTION_KEYS, option);
  const id = readString(input['id'], `${option}.id`);
  if (!APP_IDENTIFIER_PATTERN.test(id)) {
    throw new ServerConfigError(`${option}.id`, 'may contain only letters, digits and _ - . ~');
  }
  const key = readString(input['key'], `${option}.key`);
  if (!APP_IDENTIFIER_PATTERN.test(key)) {
    throw new ServerConfigError(`${option}.key`, 'may contain only letters, digits and _ - . ~');
  }
  // The secret's value is never put in a message.
  const secret = readString(input['secret'], `${option}.secret`);

  const origins = input['allowedOrigins'];
  if (origins !== undefined) {
    if (!Array.isArray(origins)) {
      throw new ServerConfigError(
        `${option}.allowedOrigins`,
        `must be an array, got ${typeOf(origins)}`,
      );
    }
    origins.forEach((origin: unknown, index) => {
      readString(origin, `${option}.allowedOrigins[${index}]`);
    });
  }

  return Object.freeze({
    id,
    key,
    secret,
    name: readString(input['name'], `${option}.name`, id),
    enabled: readBoolean(input['enabled'], `${option}.enabled`, true),
    enableClientMessages: readBoolean(
      input['enableClientMessages'],
      `${option}.enableClientMessages`,
      true,
    ),
    requireUserAuthentication: readBoolean(
      input['requireUserAuthentication'],
      `${option}.requireUserAuthentication`,
      false,
    ),
    subscriptionCountEvents: readBoolean(
      input['subscriptionCountEvents'],
      `${option}.subscriptionCountEvents`,
      true,
    ),
    webhooks: Object.freeze([
      ...serverWebhooks,
      ...resolveWebhookTargets(input['webhooks'], `${option}.webhooks`),
    ]),
    webhookBatching: readBoolean(input['webhookBatching'], `${option}.webhookBatching`, true),
    limits: resolveLimits(input['limits'], baseLimits, `${option}.limits`),
    allowedOrigins: Object.freeze([...((origins as string[] | undefined) ?? [])]),
  });
}

function normalizePathPrefix(value: unknown): string {
  if (value === undefined || value === '' || value === '/') return '';
  if (typeof value !== 'string' || !value.startsWith('/') || /[?#\s]/.test(value)) {
    throw new ServerConfigError('pathPrefix', 'must be a path starting with "/" (e.g. "/pusher")');
  }
  return value.replace(/\/+$/, '');
}

function isLoggerLike(value: unknown): value is Logger {
  return (
    isPlainObjectOrInstance(value) &&
    typeof value['debug'] === 'function' &&
    typeof value['info'] === 'function' &&
    typeof value['warn'] === 'function' &&
    typeof value['error'] === 'function'
  );
}

function isPlainObjectOrInstance(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The development app used when no `apps` are configured. */
export const DEFAULT_APP: AppOptions = Object.freeze({
  id: DEFAULT_APP_ID,
  key: DEFAULT_APP_KEY,
  secret: DEFAULT_APP_SECRET,
  enableClientMessages: true,
});

/**
 * Validates `input` and fills every default.
 * @throws {ServerConfigError} naming the first invalid option (never showing a secret).
 */
export function resolveServerOptions(input: ServerOptions = {}): ResolvedServerOptions {
  if (!isPlainObjectOrInstance(input) || Array.isArray(input)) {
    throw new ServerConfigError('options', `must be an object, got ${typeOf(input)}`);
  }
  const raw = input as unknown as Record<string, unknown>;
  rejectUnknownKeys(raw, SERVER_OPTION_KEYS, '');

  const host = readString(raw['host'], 'host', DEFAULT_HOST);
  const port = readInteger(raw['port'], 'port', DEFAULT_PORT, 0, 65_535);
  const relaxed = readBoolean(raw['relaxed'], 'relaxed', false);
  const baseLimits = relaxed ? RELAXED_LIMITS : PUSHER_DEFAULT_LIMITS;
  const webhooks = Object.freeze(resolveWebhookTargets(raw['webhooks'], 'webhooks'));

  const appsInput = raw['apps'] ?? [DEFAULT_APP];
  if (!Array.isArray(appsInput)) {
    throw new ServerConfigError('apps', `must be an array, got ${typeOf(appsInput)}`);
  }
  if (appsInput.length === 0) throw new ServerConfigError('apps', 'must contain at least one app');
  const apps = appsInput.map((app: unknown, index) =>
    resolveApp(app, `apps[${index}]`, baseLimits, webhooks),
  );
  const ids = new Set<string>();
  const keys = new Set<string>();
  apps.forEach((app, index) => {
    if (ids.has(app.id)) throw new ServerConfigError(`apps[${index}].id`, 'is used by another app');
    if (keys.has(app.key))
      throw new ServerConfigError(`apps[${index}].key`, 'is used by another app');
    ids.add(app.id);
    keys.add(app.key);
  });

  const logLevel = raw['logLevel'] ?? 'info';
  if (!isLogLevel(logLevel)) {
    throw new ServerConfigError('logLevel', 'must be one of silent, error, warn, info, debug');
  }
  let logger: Logger;
  if (raw['logger'] === undefined) {
    logger = createLogger({ level: logLevel, secrets: apps.map((app) => app.secret) });
  } else if (isLoggerLike(raw['logger'])) {
    logger = raw['logger'];
  } else {
    throw new ServerConfigError('logger', 'must have debug, info, warn and error methods');
  }

  const adapter = raw['adapter'];
  if (adapter !== undefined && !isPlainObjectOrInstance(adapter)) {
    throw new ServerConfigError('adapter', `must be an Adapter object, got ${typeOf(adapter)}`);
  }
  let redisUrl: string | undefined;
  if (raw['redisUrl'] !== undefined) {
    redisUrl = readString(raw['redisUrl'], 'redisUrl');
    if (!/^rediss?:\/\//.test(redisUrl)) {
      throw new ServerConfigError('redisUrl', 'must start with redis:// or rediss://');
    }
  }

  const resolved: ResolvedServerOptions = {
    host,
    port,
    apps: Object.freeze(apps),
    relaxed,
    activityTimeoutSec: readInteger(
      raw['activityTimeoutSec'],
      'activityTimeoutSec',
      DEFAULT_ACTIVITY_TIMEOUT_SEC,
      1,
    ),
    pongTimeoutSec: readInteger(
      raw['pongTimeoutSec'],
      'pongTimeoutSec',
      DEFAULT_PONG_TIMEOUT_SEC,
      1,
    ),
    webhooks,
    logger,
    logLevel,
    metrics: readBoolean(raw['metrics'], 'metrics', true),
    pathPrefix: normalizePathPrefix(raw['pathPrefix']),
    shutdownTimeoutMs: readInteger(
      raw['shutdownTimeoutMs'],
      'shutdownTimeoutMs',
      DEFAULT_SHUTDOWN_TIMEOUT_MS,
      0,
    ),
    maxBufferedBytes: readInteger(
      raw['maxBufferedBytes'],
      'maxBufferedBytes',
      DEFAULT_MAX_BUFFERED_BYTES,
      1,
    ),
    vacateDelayMs: readInteger(raw['vacateDelayMs'], 'vacateDelayMs', DEFAULT_VACATE_DELAY_MS, 0),
    webhookBatchMs: readInteger(
      raw['webhookBatchMs'],
      'webhookBatchMs',
      DEFAULT_WEBHOOK_BATCH_MS,
      0,
    ),
    authTimestampToleranceSec: readInteger(
      raw['authTimestampToleranceSec'],
      'authTimestampToleranceSec',
      DEFAULT_AUTH_TIMESTAMP_TOLERANCE_SEC,
      1,
    ),
    ...(adapter === undefined ? {} : { adapter: adapter as unknown as Adapter }),
    ...(redisUrl === undefined ? {} : { redisUrl }),
  };
  return Object.freeze(resolved);
}
