/**
 * @module options/types
 * The configuration the server accepts and what it resolves to: server, apps, webhook targets.
 */
import type { Adapter } from '../adapters/adapter';
import type { Logger, LogLevel } from '../observability/logger';
import type { EventObserver } from '../observability/published-event';
import type { AppLimits } from './limits';

/** The webhook events a server sends (Pusher's names). */
export type WebhookEventName =
  | 'channel_occupied'
  | 'channel_vacated'
  | 'member_added'
  | 'member_removed'
  | 'client_event'
  | 'cache_miss'
  | 'subscription_count';

/** Every webhook event: what a target receives when it lists no `events`. */
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
  /**
   * `http:` or `https:` URL receiving the POSTs. `https://user:pass@host/...` is sent as
   * `Authorization: Basic` (percent-decoded) to the URL without credentials. Logs show only the
   * scheme, host and path (never the credentials or the query string).
   */
  readonly url: string;
  /** Only these events are sent. @default every event */
  readonly events?: readonly WebhookEventName[];
  /** Extra request headers (cannot replace Content-Type or X-Pusher-*). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Only events whose channel starts with this prefix are sent. @default '' (all) */
  readonly channelPrefix?: string;
  /** Only events whose channel ends with this suffix are sent (with a prefix: both must match). @default '' (all) */
  readonly channelSuffix?: string;
}

/** A webhook target with every field filled. */
export interface ResolvedWebhookTarget {
  /** The request URL, credentials removed (they are in `headers.authorization`). */
  readonly url: string;
  readonly events: readonly WebhookEventName[];
  readonly headers: Readonly<Record<string, string>>;
  readonly channelPrefix: string;
  readonly channelSuffix: string;
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
  /**
   * Allow `client-*` events on private and presence channels. Off by default, as on Pusher; the
   * built-in development app (served when no apps are configured) has it on. @default false
   */
  readonly enableClientMessages?: boolean;
  /** Close connections that neither sign in nor join a private channel in time. @default false */
  readonly requireUserAuthentication?: boolean;
  /**
   * Pusher's "subscription counting": broadcast `pusher_internal:subscription_count` to non-presence
   * channels and send the `subscription_count` webhook. Off unless enabled, as on Pusher. @default false
   */
  readonly subscriptionCountEvents?: boolean;
  /**
   * Pusher's "watchlist events": a signed-in user's `user_data.watchlist` (up to 100 user ids) gets
   * `online` / `offline` events for those users, cluster-wide. Off unless enabled, as on Pusher
   * (it costs one adapter call per sign-in and per signed-in close). @default false
   */
  readonly watchlistEvents?: boolean;
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
  readonly watchlistEvents: boolean;
  readonly webhooks: readonly ResolvedWebhookTarget[];
  readonly webhookBatching: boolean;
  readonly limits: AppLimits;
  readonly allowedOrigins: readonly string[];
}

/**
 * TLS for `listen()`: HTTPS and WSS on the server's one port. Every field but `passphrase` is a
 * file path (PEM); the files are read when the server starts and again on
 * `server.reloadTls()` (the CLI: on SIGHUP).
 */
export interface TlsOptions {
  /** The certificate, optionally followed by its intermediate certificates. Env `PUSHWIRE_TLS_CERT`. */
  readonly cert: string;
  /** The certificate's private key. Env `PUSHWIRE_TLS_KEY`. */
  readonly key: string;
  /** Intermediate CA certificates sent with the certificate. Env `PUSHWIRE_TLS_CA`. */
  readonly ca?: string;
  /** Decrypts an encrypted `key` (the value, not a file). Never logged. Env `PUSHWIRE_TLS_PASSPHRASE`. */
  readonly passphrase?: string;
}

/** The `tls` option validated (paths not read yet). */
export interface ResolvedTlsOptions {
  readonly cert: string;
  readonly key: string;
  readonly ca?: string;
  readonly passphrase?: string;
}

/**
 * CORS for the REST API (`/apps/...`, `/health`, `/metrics`, ...), so browser tools can call it.
 * Off unless set.
 */
export interface CorsOptions {
  /**
   * Origins allowed (`https://admin.example.com`, scheme + host + port), or `'*'` for any.
   * Env `PUSHWIRE_CORS_ORIGINS` (comma-separated, or `*`).
   */
  readonly origins: readonly string[] | '*';
  /** Request headers a browser may send. @default ['Content-Type', 'Authorization', 'X-Requested-With'] */
  readonly headers?: readonly string[];
  /** How long a browser may cache a preflight answer, in seconds. @default 600 */
  readonly maxAgeSec?: number;
}

/** The `cors` option with every field filled; origins normalized to lower case. */
export interface ResolvedCorsOptions {
  readonly origins: readonly string[] | '*';
  readonly headers: readonly string[];
  readonly maxAgeSec: number;
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
  /** Seconds of silence before the server pings a client (sent to it as `activity_timeout`). @default 120 */
  readonly activityTimeoutSec?: number;
  /** Seconds the server waits for a `pusher:pong` before closing the connection (4201). @default 30 */
  readonly pongTimeoutSec?: number;
  /** Webhook targets applied to every app. Env `PUSHWIRE_WEBHOOK_URLS`. @default [] */
  readonly webhooks?: readonly WebhookTarget[];
  /** Cluster adapter. @default an in-process LocalAdapter (created by the server) */
  readonly adapter?: Adapter;
  /** Redis URL for the Redis adapter, used when `adapter` is not given. Env `PUSHWIRE_REDIS_URL`. */
  readonly redisUrl?: string;
  /**
   * Prefix of every Redis key and channel of the adapter made for `redisUrl` (nodes sharing a
   * Redis for separate clusters use different ones). Env `PUSHWIRE_REDIS_KEY_PREFIX`.
   * @default 'pushwire:'
   */
  readonly redisKeyPrefix?: string;
  /**
   * With `redisUrl`: also serve the apps of the cluster's Redis app store (`pushwire apps add`),
   * followed without a restart. A configured app wins over a stored one with the same id or key.
   * Env `PUSHWIRE_REDIS_APPS`. @default true
   */
  readonly redisApps?: boolean;
  /**
   * Defaults of individual limits for every app, on top of Pusher's (or the relaxed) ones; an app's
   * own `limits` win. Env `PUSHWIRE_LIMIT_<NAME>` (e.g. `PUSHWIRE_LIMIT_MAX_EVENT_DATA_BYTES`).
   * @default {}
   */
  readonly limits?: Partial<AppLimits>;
  /**
   * Deadline to sign in or join a private channel for apps with `requireUserAuthentication`.
   * @default 30000
   */
  readonly userAuthenticationTimeoutMs?: number;
  /** Where logs go. @default a JSON logger on stderr at `logLevel` */
  readonly logger?: Logger;
  /** Level of the default logger (`silent` logs nothing). Env `PUSHWIRE_LOG_LEVEL`. @default 'info' */
  readonly logLevel?: LogLevel;
  /**
   * Called once per event and channel that this node accepted, from the REST API or a client
   * (`client-*`), right after it was handed to the adapter. Synchronous and on the publish path:
   * keep it cheap. A throw is logged, never sent to the publisher. Code only (not in a config
   * file). `@pushwire/server/testing` uses it to capture events. @default none
   */
  readonly onEvent?: EventObserver;
  /**
   * `/metrics` in Prometheus format: `false` (or `{ enabled: false }`) answers 404; `{ port }`
   * serves it on a listener of its own (and not on the main port). @default true (main port)
   */
  readonly metrics?: boolean | MetricsOptions;
  /**
   * The debug console at `/console` (live log, channels, trigger form) and the stream `pushwire
   * tail` reads. `enabled: true` serves it for every app, behind the app's key and secret;
   * `false` turns it off. Unset: only the built-in development app, only when the server listens
   * on a loopback address, without a login. Env `PUSHWIRE_CONSOLE`.
   */
  readonly console?: ConsoleOptions;
  /** Path prefix the server is mounted under (e.g. '/pusher'); requests work with or without it. @default '' */
  readonly pathPrefix?: string;
  /**
   * What `listen()` serves with: `'node'` (node:http + `ws`), `'bun'` (Bun.serve's native
   * WebSockets, under Bun only) or `'auto'` (Bun's when running under Bun, else Node's). `attach()`
   * and `handleRequest()` are node:http APIs whatever this says. Env `PUSHWIRE_TRANSPORT`.
   * @default 'auto'
   */
  readonly transport?: TransportChoice;
  /** HTTPS and WSS on the same port (`listen()` only). @default off (HTTP and WS) */
  readonly tls?: TlsOptions;
  /** CORS headers on REST answers and preflight (OPTIONS) answers. @default off */
  readonly cors?: CorsOptions;
  /**
   * How long `close()` (SIGTERM/SIGINT for the CLI) lets connections and webhooks drain before
   * forcing them shut. @default 10000
   */
  readonly shutdownTimeoutMs?: number;
  /** Per-connection outbound buffer cap (backpressure). @default 1048576 */
  readonly maxBufferedBytes?: number;
  /** Delay before `channel_vacated` / `member_removed` webhooks. @default 3000 */
  readonly vacateDelayMs?: number;
  /** Webhook batching window. @default 50 */
  readonly webhookBatchMs?: number;
  /**
   * Serialized bytes of webhook events all apps together may hold (waiting, in flight, retrying).
   * Each app with webhooks keeps a guaranteed share of `min(webhookMaxQueuedBytesPerApp, this /
   * apps with webhooks)` that other apps cannot take. @default 67108864 (64 MiB)
   */
  readonly webhookMaxQueuedBytes?: number;
  /** Serialized bytes of webhook events one app may hold over all its targets. @default 16777216 (16 MiB) */
  readonly webhookMaxQueuedBytesPerApp?: number;
  /** Serialized bytes of webhook events one target of one app may hold. @default 8388608 (8 MiB) */
  readonly webhookMaxQueuedBytesPerTarget?: number;
  /** Webhook events one target of one app may hold. @default 10000 */
  readonly webhookMaxQueuedEventsPerTarget?: number;
  /** Webhook requests (sockets) in flight at once toward one target of one app. @default 8 */
  readonly webhookConcurrencyPerTarget?: number;
  /** Time allowed for one webhook POST (connect, response headers and body). @default 10000 */
  readonly webhookRequestTimeoutMs?: number;
  /** Accepted skew of a REST `auth_timestamp`, in seconds. @default 600 */
  readonly authTimestampToleranceSec?: number;
  /**
   * WebSocket connections on this node, all apps together (unlike the per-app, cluster-wide
   * `apps[].limits.maxConnections`); over it an upgrade is closed with 4100. `0` = unlimited.
   * Env `PUSHWIRE_MAX_CONNECTIONS`. @default 0
   */
  readonly maxConnections?: number;
  /**
   * Open sockets per client IP (HTTP and WebSocket; behind `trustedProxies`, WebSocket connections
   * per forwarded client IP). `0` = unlimited. Env `PUSHWIRE_MAX_CONNECTIONS_PER_IP`. @default 256
   */
  readonly maxConnectionsPerIp?: number;
  /**
   * Proxies (IPs or CIDR ranges, IPv4 or IPv6) whose `X-Forwarded-For` names the client IP.
   * Env `PUSHWIRE_TRUSTED_PROXIES` (comma-separated). @default [] (the header is ignored)
   */
  readonly trustedProxies?: readonly string[];
  /** Deadline to receive an HTTP request's headers and body; later → 408. @default 10000 */
  readonly requestTimeoutMs?: number;
  /** Inbound frames per second per connection; `0` = unlimited. @default 100 */
  readonly inboundFramesPerSecond?: number;
  /** Frames a connection may send in one burst before the per-second rate applies. @default 1000 */
  readonly inboundFrameBurst?: number;
  /** Inbound bytes per second per connection; `0` = unlimited. @default 1048576 */
  readonly inboundBytesPerSecond?: number;
  /** Bytes a connection may send in one burst (at least two `maxFrameBytes`). @default 8388608 */
  readonly inboundByteBurst?: number;
}

/** The `metrics` option as an object. */
export interface MetricsOptions {
  /** `false`: `/metrics` answers 404. Env `PUSHWIRE_METRICS_ENABLED`. @default true */
  readonly enabled?: boolean;
  /**
   * Interface of the metrics listener (with `port` only). Env `PUSHWIRE_METRICS_HOST`.
   * @default the server's `host`
   */
  readonly host?: string;
  /**
   * Serve `/metrics` on this port (plain HTTP, node:http on Node and Bun; `0` picks a free one)
   * instead of the main port. Env `PUSHWIRE_METRICS_PORT`. @default unset: the main port
   */
  readonly port?: number;
}

/** The `metrics` option resolved: `host` and `port` both set, or both unset (main port). */
export interface ResolvedMetricsOptions {
  readonly enabled: boolean;
  readonly host?: string;
  readonly port?: number;
}

/** The `console` option. */
export interface ConsoleOptions {
  /**
   * `true`: every app, behind its key and secret; `false`: off.
   * @default unset: the development app on a loopback address only
   */
  readonly enabled?: boolean;
}

/** The options with every default filled. `adapter` stays optional: the server creates the default. */
export interface ResolvedServerOptions {
  readonly host: string;
  readonly port: number;
  /** The apps configured at start (`server.apps` has the apps served now). */
  readonly apps: readonly ResolvedApp[];
  readonly relaxed: boolean;
  /** The limits every app starts from: Pusher's (or the relaxed ones) with the `limits` option. */
  readonly limits: AppLimits;
  readonly activityTimeoutSec: number;
  readonly pongTimeoutSec: number;
  readonly webhooks: readonly ResolvedWebhookTarget[];
  readonly adapter?: Adapter;
  readonly redisUrl?: string;
  readonly redisKeyPrefix?: string;
  /** Follow the Redis app store (with `redisUrl` only). */
  readonly redisApps: boolean;
  readonly userAuthenticationTimeoutMs: number;
  readonly logger: Logger;
  readonly logLevel: LogLevel;
  readonly onEvent?: EventObserver;
  readonly metrics: ResolvedMetricsOptions;
  /** `enabled` undefined: the development app on loopback only. */
  readonly console: { readonly enabled: boolean | undefined };
  /** Normalized: '' or '/segment' without a trailing slash. */
  readonly pathPrefix: string;
  readonly transport: TransportChoice;
  /** Undefined: plain HTTP and WS. */
  readonly tls?: ResolvedTlsOptions;
  /** Undefined: no CORS headers. */
  readonly cors?: ResolvedCorsOptions;
  readonly shutdownTimeoutMs: number;
  readonly maxBufferedBytes: number;
  readonly vacateDelayMs: number;
  readonly webhookBatchMs: number;
  readonly webhookMaxQueuedBytes: number;
  readonly webhookMaxQueuedBytesPerApp: number;
  readonly webhookMaxQueuedBytesPerTarget: number;
  readonly webhookMaxQueuedEventsPerTarget: number;
  readonly webhookConcurrencyPerTarget: number;
  readonly webhookRequestTimeoutMs: number;
  readonly authTimestampToleranceSec: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  readonly trustedProxies: readonly string[];
  readonly requestTimeoutMs: number;
  readonly inboundFramesPerSecond: number;
  readonly inboundFrameBurst: number;
  readonly inboundBytesPerSecond: number;
  readonly inboundByteBurst: number;
}

/** The `transport` option: which WebSocket/HTTP implementation `listen()` uses. */
export type TransportChoice = 'auto' | 'node' | 'bun';
