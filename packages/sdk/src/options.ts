/**
 * @module options
 * Client options: the `PusherOptions` a caller passes, their defaults, validation at construction
 * (a ConfigurationError naming the option, never echoing the secret), and the `PUSHER_URL` form
 * (`https://KEY:SECRET@host[:port]/apps/APP_ID`).
 */
import { parseMasterKey } from './encryption/master-key';
import { ConfigurationError } from './errors';
import { type Limits, resolveLimits } from './limits';
import type { FetchLike } from './transport/fetch-transport';
import { type ProxyConfig, parseProxyUrl } from './transport/proxy';
import {
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RETRIES,
  DEFAULT_RETRY_MAX_DELAY_MS,
  DEFAULT_RETRY_MIN_DELAY_MS,
  type ResolvedRetryOptions,
  type RetryOption,
} from './transport/retry';
import { DEFAULT_MAX_RESPONSE_BODY_BYTES, type Endpoint } from './transport/types';

/**
 * A logger, the one logger type of every pushwire package: any object with some of
 * debug/info/warn/error (e.g. `console`, pino). The SDK calls them with a message; the server
 * (which needs all four, see its `Logger`) adds structured fields.
 */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

export interface PusherOptions {
  /** The app id (digits on Pusher; any path-safe string on self-hosted servers). */
  readonly appId: string | number;
  /** The app key (public). */
  readonly key: string;
  /** The app secret. Never logged nor put in an error. */
  readonly secret: string;
  /** Cluster name; the host becomes `api-<cluster>.pusher.com`. @default 'mt1' */
  readonly cluster?: string;
  /** API host name (wins over `cluster`), e.g. `localhost` or `soketi.internal`. */
  readonly host?: string;
  /** API port. @default 443 with TLS, 80 without */
  readonly port?: number;
  /** Use HTTPS. @default true */
  readonly useTLS?: boolean;
  /** The Ruby gem's name for `useTLS`. */
  readonly encrypted?: boolean;
  /** Per attempt, covering connect, send, headers and body, in ms. @default 10000 */
  readonly timeout?: number;
  /** Retries: a number, settings, or `false`. @default 2 (see README "Retries") */
  readonly retry?: RetryOption;
  /** A fetch to send requests with (tests, proxies, undici dispatchers). @default built-in */
  readonly fetch?: FetchLike;
  /** HTTP proxy URL for the Node transport, e.g. `http://user:pass@proxy:3128`. */
  readonly httpProxy?: string;
  /** PEM CA certificate(s) to trust instead of the defaults (Node transport; private CAs). */
  readonly ca?: string;
  /**
   * Largest response body accepted, in bytes (UTF-8 bytes on the wire, however the server chunks
   * them). A larger body fails the request with a ResponseTooLargeError as soon as the cap is
   * passed; the SDK holds at most about twice this much per response. @default 16777216 (16 MiB)
   */
  readonly maxResponseBodyBytes?: number;
  /** Logger for requests (debug) and retries (warn). Quiet when absent. */
  readonly logger?: Logger;
  /** Limit overrides for self-hosted servers and dedicated clusters. */
  readonly limits?: Partial<Limits>;
  /** Base64 of the 32-byte master key for `private-encrypted-*` channels. */
  readonly encryptionMasterKeyBase64?: string;
  /** Host of the native push API. @default 'nativepush-cluster1.pusher.com' */
  readonly notificationHost?: string;
  /** Scheme of the native push API. @default 'https' */
  readonly notificationScheme?: 'http' | 'https';
  /** Clock in ms (signing timestamps); tests pass a fixed one. @default Date.now */
  readonly now?: () => number;
}

/** Everything the client needs, validated and with defaults applied. */
export interface ResolvedOptions {
  readonly appId: string;
  readonly key: string;
  readonly secret: string;
  readonly endpoint: Endpoint;
  readonly notificationEndpoint: Endpoint;
  readonly timeoutMs: number;
  readonly retry: ResolvedRetryOptions;
  readonly fetch: FetchLike | undefined;
  readonly proxy: ProxyConfig | undefined;
  readonly ca: string | undefined;
  readonly maxResponseBodyBytes: number;
  readonly logger: Logger | undefined;
  readonly limits: Limits;
  readonly masterKey: Uint8Array | undefined;
  readonly now: () => number;
}

export const DEFAULT_CLUSTER = 'mt1';
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_NOTIFICATION_HOST = 'nativepush-cluster1.pusher.com';
/** Largest `maxResponseBodyBytes` (256 MiB): the body must still fit in one string. */
export const MAX_RESPONSE_BODY_BYTES_LIMIT = 256 * 1024 * 1024;
/** setTimeout's largest delay. */
const MAX_TIMEOUT_MS = 2_147_483_647;

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'appId',
  'key',
  'secret',
  'cluster',
  'host',
  'port',
  'useTLS',
  'encrypted',
  'timeout',
  'retry',
  'fetch',
  'httpProxy',
  'ca',
  'maxResponseBodyBytes',
  'logger',
  'limits',
  'encryptionMasterKeyBase64',
  'notificationHost',
  'notificationScheme',
  'now',
]);

const HOST_PATTERN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;
const CLUSTER_PATTERN = /^[A-Za-z0-9-]+$/;
const APP_ID_PATTERN = /^[A-Za-z0-9_\-.]+$/;

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function requireString(options: PusherOptions, name: 'key' | 'secret'): string {
  const value: unknown = options[name];
  if (typeof value !== 'string' || value === '') {
    throw new ConfigurationError(
      name,
      value === undefined
        ? `Missing required option '${name}'`
        : `Option '${name}' must be a non-empty string (got ${typeName(value)})`,
    );
  }
  return value;
}

function resolveAppId(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && APP_ID_PATTERN.test(value)) return value;
  throw new ConfigurationError(
    'appId',
    value === undefined
      ? "Missing required option 'appId'"
      : `Option 'appId' must be a number or a string of letters, digits, '_', '-' or '.' (got ${typeName(value)} ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : ''})`.trimEnd(),
  );
}

function resolvePort(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new ConfigurationError(option, `Option '${option}' must be an integer from 1 to 65535`);
  }
  return value;
}

function resolveBoolean(value: unknown, option: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    throw new ConfigurationError(
      option,
      `Option '${option}' must be a boolean (got ${typeName(value)})`,
    );
  }
  return value;
}

function resolveHost(value: unknown, option: string): { host: string; port?: number } {
  if (typeof value !== 'string' || !HOST_PATTERN.test(value)) {
    throw new ConfigurationError(
      option,
      `Option '${option}' must be a host name such as 'api-eu.pusher.com' or 'localhost:6001' (no scheme, no path)`,
    );
  }
  const match = HOST_PATTERN.exec(value);
  const portText = match?.[1];
  const host = portText === undefined ? value : value.slice(0, -(portText.length + 1));
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  return portText === undefined
    ? { host: bare }
    : { host: bare, port: resolvePort(Number(portText), option) };
}

function resolveTls(options: PusherOptions): boolean {
  const useTLS = resolveBoolean(options.useTLS, 'useTLS');
  const encrypted = resolveBoolean(options.encrypted, 'encrypted');
  if (useTLS !== undefined && encrypted !== undefined && useTLS !== encrypted) {
    throw new ConfigurationError(
      'encrypted',
      "Options 'useTLS' and 'encrypted' (its alias) disagree; set only 'useTLS'",
    );
  }
  return useTLS ?? encrypted ?? true;
}

function resolveEndpoint(options: PusherOptions): Endpoint {
  const tls = resolveTls(options);
  let host: string;
  let port: number | undefined;
  if (options.host !== undefined) {
    ({ host, port } = resolveHost(options.host, 'host'));
  } else {
    const cluster: unknown = options.cluster ?? DEFAULT_CLUSTER;
    if (typeof cluster !== 'string' || !CLUSTER_PATTERN.test(cluster)) {
      throw new ConfigurationError(
        'cluster',
        "Option 'cluster' must be a cluster name such as 'eu' or 'mt1'",
      );
    }
    host = `api-${cluster}.pusher.com`;
  }
  if (options.port !== undefined) port = resolvePort(options.port, 'port');
  return { scheme: tls ? 'https' : 'http', host, port: port ?? (tls ? 443 : 80) };
}

function resolveNotificationEndpoint(options: PusherOptions): Endpoint {
  const scheme: unknown = options.notificationScheme ?? 'https';
  if (scheme !== 'http' && scheme !== 'https') {
    throw new ConfigurationError(
      'notificationScheme',
      "Option 'notificationScheme' must be 'http' or 'https'",
    );
  }
  const { host, port } = resolveHost(
    options.notificationHost ?? DEFAULT_NOTIFICATION_HOST,
    'notificationHost',
  );
  return { scheme, host, port: port ?? (scheme === 'https' ? 443 : 80) };
}

function resolveTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value <= 0 ||
    value > MAX_TIMEOUT_MS
  ) {
    throw new ConfigurationError(
      'timeout',
      `Option 'timeout' must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
    );
  }
  return value;
}

function resolveMaxResponseBodyBytes(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_RESPONSE_BODY_BYTES;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > MAX_RESPONSE_BODY_BYTES_LIMIT
  ) {
    throw new ConfigurationError(
      'maxResponseBodyBytes',
      `Option 'maxResponseBodyBytes' must be an integer number of bytes from 1 to ${MAX_RESPONSE_BODY_BYTES_LIMIT}`,
    );
  }
  return value;
}

function nonNegativeInteger(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ConfigurationError(option, `Option '${option}' must be a non-negative integer`);
  }
  return value;
}

/** Normalizes the `retry` option (`number | false | RetryOptions`). */
export function resolveRetryOptions(value: RetryOption | undefined): ResolvedRetryOptions {
  const defaults: ResolvedRetryOptions = {
    retries: DEFAULT_RETRIES,
    minDelayMs: DEFAULT_RETRY_MIN_DELAY_MS,
    maxDelayMs: DEFAULT_RETRY_MAX_DELAY_MS,
    maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS,
  };
  if (value === undefined) return defaults;
  if (value === false) return { ...defaults, retries: 0 };
  if (typeof value === 'number') {
    return { ...defaults, retries: nonNegativeInteger(value, 'retry', DEFAULT_RETRIES) };
  }
  if (typeof value !== 'object' || value === null) {
    throw new ConfigurationError(
      'retry',
      "Option 'retry' must be a number, false, or { retries, minDelayMs, maxDelayMs, maxRetryAfterMs }",
    );
  }
  const resolved = {
    retries: nonNegativeInteger(value.retries, 'retry.retries', defaults.retries),
    minDelayMs: nonNegativeInteger(value.minDelayMs, 'retry.minDelayMs', defaults.minDelayMs),
    maxDelayMs: nonNegativeInteger(value.maxDelayMs, 'retry.maxDelayMs', defaults.maxDelayMs),
    maxRetryAfterMs: nonNegativeInteger(
      value.maxRetryAfterMs,
      'retry.maxRetryAfterMs',
      defaults.maxRetryAfterMs,
    ),
  };
  if (resolved.maxDelayMs < resolved.minDelayMs) {
    throw new ConfigurationError(
      'retry.maxDelayMs',
      "Option 'retry.maxDelayMs' must be at least 'retry.minDelayMs'",
    );
  }
  return resolved;
}

function resolveLogger(value: unknown): Logger | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new ConfigurationError(
      'logger',
      "Option 'logger' must be an object with debug/info/warn/error methods",
    );
  }
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    const method: unknown = (value as Record<string, unknown>)[level];
    if (method !== undefined && typeof method !== 'function') {
      throw new ConfigurationError(`logger.${level}`, `logger.${level} must be a function`);
    }
  }
  return value as Logger;
}

function resolveFunction<T>(value: unknown, option: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new ConfigurationError(
      option,
      `Option '${option}' must be a function (got ${typeName(value)})`,
    );
  }
  return value as T;
}

/** Validates `options` and applies the defaults. Throws a ConfigurationError naming the option. */
export function resolveOptions(options: PusherOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(
      'options',
      'Pusher options must be an object with appId, key and secret',
    );
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new ConfigurationError(name, `Unknown option '${name}'`);
    }
  }
  const appId = resolveAppId(options.appId);
  const key = requireString(options, 'key');
  const secret = requireString(options, 'secret');
  if (key.includes(':')) throw new ConfigurationError('key', "Option 'key' must not contain ':'");
  const fetchFn = resolveFunction<FetchLike>(options.fetch, 'fetch');
  const proxy = options.httpProxy === undefined ? undefined : parseProxyUrl(options.httpProxy);
  if (proxy && fetchFn) {
    throw new ConfigurationError(
      'httpProxy',
      "Options 'httpProxy' and 'fetch' cannot be combined: configure the proxy in your fetch",
    );
  }
  if (options.ca !== undefined && (typeof options.ca !== 'string' || options.ca === '')) {
    throw new ConfigurationError('ca', "Option 'ca' must be a PEM string");
  }
  const masterKeyText: unknown = options.encryptionMasterKeyBase64;
  if (masterKeyText !== undefined && typeof masterKeyText !== 'string') {
    throw new ConfigurationError(
      'encryptionMasterKeyBase64',
      "Option 'encryptionMasterKeyBase64' must be a base64 string",
    );
  }
  return {
    appId,
    key,
    secret,
    endpoint: resolveEndpoint(options),
    notificationEndpoint: resolveNotificationEndpoint(options),
    timeoutMs: resolveTimeout(options.timeout),
    retry: resolveRetryOptions(options.retry),
    fetch: fetchFn,
    proxy,
    ca: options.ca,
    maxResponseBodyBytes: resolveMaxResponseBodyBytes(options.maxResponseBodyBytes),
    logger: resolveLogger(options.logger),
    limits: resolveLimits(options.limits),
    masterKey: masterKeyText === undefined ? undefined : parseMasterKey(masterKeyText),
    now: resolveFunction<() => number>(options.now, 'now') ?? Date.now,
  };
}

/** Credentials and endpoint read from a `PUSHER_URL`-style URL. */
export type UrlOptions = Pick<
  PusherOptions,
  'appId' | 'key' | 'secret' | 'host' | 'port' | 'useTLS'
>;

/**
 * Parses `http(s)://KEY:SECRET@host[:port]/apps/APP_ID`. Errors never include the URL (it holds
 * the secret); `option` names where it came from.
 */
export function parsePusherUrl(
  value: unknown,
  option = 'url',
): Required<Omit<UrlOptions, 'port'>> & Pick<UrlOptions, 'port'> {
  const expected = 'expected http(s)://KEY:SECRET@host[:port]/apps/APP_ID';
  if (typeof value !== 'string' || value === '') {
    throw new ConfigurationError(option, `${option} is missing or empty; ${expected}`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(option, `${option} is not a valid URL; ${expected}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(
      option,
      `${option} must use http or https (got ${url.protocol}); ${expected}`,
    );
  }
  if (!url.username || !url.password) {
    throw new ConfigurationError(option, `${option} has no KEY:SECRET credentials; ${expected}`);
  }
  const match = /^\/apps\/([^/]+)\/?$/.exec(url.pathname);
  if (!match?.[1]) {
    throw new ConfigurationError(option, `${option} has no /apps/APP_ID path; ${expected}`);
  }
  const result: Required<Omit<UrlOptions, 'port'>> & Pick<UrlOptions, 'port'> = {
    appId: decodeURIComponent(match[1]),
    key: decodeURIComponent(url.username),
    secret: decodeURIComponent(url.password),
    host: url.hostname,
    useTLS: url.protocol === 'https:',
  };
  return url.port ? { ...result, port: Number(url.port) } : result;
}
