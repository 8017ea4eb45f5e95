/**
 * @module apps/load-config
 * Server options from the outside world: a JSON config file, `PUSHWIRE_*` environment variables,
 * and the layering `defaults < file < env < flags`. Every error is a `ServerConfigError` naming the
 * file or variable and the bad key; no secret value is ever echoed.
 */
import { readFileSync } from 'node:fs';
import { silentLogger } from '../observability/logger';
import { resolveServerOptions, ServerConfigError, type ServerOptions } from '../options';
import { LIMIT_NAMES } from '../options/limits';
import { NUMERIC_SERVER_OPTION_KEYS } from '../options/resolve';
import { isPlainObject } from '../util/is-plain-object';

/** What a config file (and the environment) can set: every option except live objects. */
export type FileServerOptions = Omit<ServerOptions, 'adapter' | 'logger' | 'onEvent'>;

/** `maxConnectionsPerIp` → `PUSHWIRE_MAX_CONNECTIONS_PER_IP`. */
function envNameOf(option: string): string {
  return `PUSHWIRE_${option.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

const NUMERIC_ENV_NAMES: ReadonlyMap<string, string> = new Map(
  NUMERIC_SERVER_OPTION_KEYS.map((option) => [option, envNameOf(option)]),
);

/** `maxEventDataBytes` → `PUSHWIRE_LIMIT_MAX_EVENT_DATA_BYTES`: the server-wide default of a limit. */
const LIMIT_ENV_NAMES: ReadonlyMap<string, string> = new Map(
  LIMIT_NAMES.map((limit) => [
    limit,
    envNameOf(`limit${limit[0]?.toUpperCase()}${limit.slice(1)}`),
  ]),
);

/** The environment variables the server reads, each mapped to an option. */
export const ENV_VARIABLES: Readonly<Record<string, string>> = Object.freeze({
  PUSHWIRE_PORT: 'port',
  PUSHWIRE_HOST: 'host',
  PUSHWIRE_APP_ID: 'apps[0].id',
  PUSHWIRE_APP_KEY: 'apps[0].key',
  PUSHWIRE_APP_SECRET: 'apps[0].secret',
  PUSHWIRE_APP_ENABLE_CLIENT_MESSAGES: 'apps[0].enableClientMessages',
  PUSHWIRE_APPS: 'apps',
  PUSHWIRE_WEBHOOK_URLS: 'webhooks',
  PUSHWIRE_RELAXED: 'relaxed',
  PUSHWIRE_LOG_LEVEL: 'logLevel',
  PUSHWIRE_REDIS_URL: 'redisUrl',
  PUSHWIRE_REDIS_KEY_PREFIX: 'redisKeyPrefix',
  PUSHWIRE_REDIS_APPS: 'redisApps',
  PUSHWIRE_TRANSPORT: 'transport',
  PUSHWIRE_TRUSTED_PROXIES: 'trustedProxies',
  PUSHWIRE_TLS_CERT: 'tls.cert',
  PUSHWIRE_TLS_KEY: 'tls.key',
  PUSHWIRE_TLS_CA: 'tls.ca',
  PUSHWIRE_TLS_PASSPHRASE: 'tls.passphrase',
  PUSHWIRE_CORS_ORIGINS: 'cors.origins',
  PUSHWIRE_CONSOLE: 'console.enabled',
  PUSHWIRE_METRICS_ENABLED: 'metrics.enabled',
  PUSHWIRE_METRICS_HOST: 'metrics.host',
  PUSHWIRE_METRICS_PORT: 'metrics.port',
  ...Object.fromEntries([...NUMERIC_ENV_NAMES].map(([option, name]) => [name, option])),
  ...Object.fromEntries([...LIMIT_ENV_NAMES].map(([limit, name]) => [name, `limits.${limit}`])),
  PUSHWIRE_CONFIG: '(config file path)',
});

/** An environment: `process.env` or any map of strings. */
export type Environment = Readonly<Record<string, string | undefined>>;

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off', '']);

/** Line and column of a character offset, for JSON error messages that must not quote the text. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** Where a JSON.parse failure happened, without its message (which may quote a secret). */
function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  const position = /position (\d+)/.exec(message);
  if (position?.[1] !== undefined)
    return `invalid JSON at ${lineAndColumn(text, Number(position[1]))}`;
  if (/end of (JSON )?input/i.test(message)) return 'invalid JSON: unexpected end of input';
  return 'invalid JSON';
}

/** Stands in for a TLS file path another layer gives (checked once all layers are merged). */
const PATH_FROM_ANOTHER_LAYER = '(set by another layer)';

/**
 * `layer` made checkable on its own: `tls` and `cors` merge field by field across layers (the
 * certificate in the file, its passphrase in the environment), so a field another layer may give
 * is filled with a stand-in.
 */
function completedForCheck(layer: FileServerOptions): FileServerOptions {
  const raw = layer as Record<string, unknown>;
  const tls = raw['tls'];
  const cors = raw['cors'];
  const metrics = raw['metrics'];
  return {
    ...layer,
    // A metrics host may come with a port from another layer.
    ...(isPlainObject(metrics) && metrics['host'] !== undefined && metrics['port'] === undefined
      ? { metrics: { ...metrics, port: 0 } }
      : {}),
    ...(isPlainObject(tls)
      ? { tls: { cert: PATH_FROM_ANOTHER_LAYER, key: PATH_FROM_ANOTHER_LAYER, ...tls } }
      : {}),
    ...(isPlainObject(cors) ? { cors: { origins: '*', ...cors } } : {}),
  } as FileServerOptions;
}

/**
 * Checks a file-shaped object with the same rules as `resolveServerOptions`, reporting `source`
 * (the file path or "the environment") in the error.
 */
function validateLayer(layer: FileServerOptions, source: string): void {
  const raw = layer as Record<string, unknown>;
  for (const key of ['adapter', 'logger', 'onEvent']) {
    if (raw[key] !== undefined) {
      throw new ServerConfigError(key, 'cannot be set in a config file', source);
    }
  }
  try {
    resolveServerOptions({ ...completedForCheck(layer), logger: silentLogger });
  } catch (error) {
    if (error instanceof ServerConfigError) {
      throw new ServerConfigError(error.option, error.problem, source);
    }
    throw error;
  }
}

/**
 * Reads a JSON config file whose shape is {@link FileServerOptions} (a `$schema` key is ignored).
 * @throws {ServerConfigError} with the path and the bad key when the file is unreadable or invalid.
 */
export function loadConfigFile(path: string): FileServerOptions {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ServerConfigError('config', `cannot read the file (${code})`, path);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ServerConfigError('config', describeJsonError(error, text), path);
  }
  if (!isPlainObject(parsed)) {
    throw new ServerConfigError('config', 'the file must contain a JSON object', path);
  }
  const { $schema: _schema, ...options } = parsed;
  validateLayer(options as FileServerOptions, path);
  return options as FileServerOptions;
}

function envBoolean(env: Environment, name: string): boolean | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ServerConfigError(name, 'must be true/false, 1/0, yes/no or on/off', 'the environment');
}

function envPort(env: Environment, name = 'PUSHWIRE_PORT'): number | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return undefined;
  const port = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || port > 65_535) {
    throw new ServerConfigError(name, 'must be an integer from 0 to 65535', 'the environment');
  }
  return port;
}

/** A non-negative integer variable (`0` = unlimited for the connection limits). */
function envCount(env: Environment, name: string): number | undefined {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new ServerConfigError(name, 'must be a non-negative integer', 'the environment');
  }
  return Number(value);
}

function envApps(env: Environment): FileServerOptions['apps'] {
  const id = env['PUSHWIRE_APP_ID'];
  const key = env['PUSHWIRE_APP_KEY'];
  const secret = env['PUSHWIRE_APP_SECRET'];
  const apps: NonNullable<FileServerOptions['apps']>[number][] = [];
  if (id !== undefined || key !== undefined || secret !== undefined) {
    for (const [name, value] of [
      ['PUSHWIRE_APP_ID', id],
      ['PUSHWIRE_APP_KEY', key],
      ['PUSHWIRE_APP_SECRET', secret],
    ] as const) {
      if (value === undefined || value === '') {
        throw new ServerConfigError(
          name,
          'is required when any of PUSHWIRE_APP_ID, PUSHWIRE_APP_KEY, PUSHWIRE_APP_SECRET is set',
          'the environment',
        );
      }
    }
    const clientMessages = envBoolean(env, 'PUSHWIRE_APP_ENABLE_CLIENT_MESSAGES');
    apps.push({
      id: id as string,
      key: key as string,
      secret: secret as string,
      ...(clientMessages === undefined ? {} : { enableClientMessages: clientMessages }),
    });
  } else if (env['PUSHWIRE_APP_ENABLE_CLIENT_MESSAGES']?.trim()) {
    throw new ServerConfigError(
      'PUSHWIRE_APP_ENABLE_CLIENT_MESSAGES',
      'applies to the app of PUSHWIRE_APP_ID, PUSHWIRE_APP_KEY and PUSHWIRE_APP_SECRET, which are not set (set enableClientMessages in PUSHWIRE_APPS or the config file instead)',
      'the environment',
    );
  }
  const list = env['PUSHWIRE_APPS'];
  if (list !== undefined && list.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(list);
    } catch (error) {
      throw new ServerConfigError(
        'PUSHWIRE_APPS',
        describeJsonError(error, list),
        'the environment',
      );
    }
    if (!Array.isArray(parsed)) {
      throw new ServerConfigError(
        'PUSHWIRE_APPS',
        'must be a JSON array of apps',
        'the environment',
      );
    }
    // One by one: spreading an array of any length into a call can overflow the stack.
    for (const app of parsed as NonNullable<FileServerOptions['apps']>) apps.push(app);
  }
  return apps.length === 0 ? undefined : apps;
}

/**
 * The options set by `PUSHWIRE_*` variables (see {@link ENV_VARIABLES}). `PUSHWIRE_CONFIG` is not
 * read here: {@link loadServerOptions} loads that file. Unset and empty variables set nothing.
 * @throws {ServerConfigError} naming the variable.
 */
export function optionsFromEnv(env: Environment): FileServerOptions {
  const options: Record<string, unknown> = {};
  const port = envPort(env);
  if (port !== undefined) options['port'] = port;
  const host = env['PUSHWIRE_HOST']?.trim();
  if (host) options['host'] = host;
  const apps = envApps(env);
  if (apps !== undefined) options['apps'] = apps;
  const urls = env['PUSHWIRE_WEBHOOK_URLS'];
  if (urls !== undefined && urls.trim() !== '') {
    options['webhooks'] = urls
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url !== '')
      .map((url) => ({ url }));
  }
  const relaxed = envBoolean(env, 'PUSHWIRE_RELAXED');
  if (relaxed !== undefined) options['relaxed'] = relaxed;
  const level = env['PUSHWIRE_LOG_LEVEL']?.trim();
  if (level) options['logLevel'] = level;
  const redisUrl = env['PUSHWIRE_REDIS_URL']?.trim();
  if (redisUrl) options['redisUrl'] = redisUrl;
  const transport = env['PUSHWIRE_TRANSPORT']?.trim();
  if (transport) options['transport'] = transport;
  const keyPrefix = env['PUSHWIRE_REDIS_KEY_PREFIX']?.trim();
  if (keyPrefix) options['redisKeyPrefix'] = keyPrefix;
  const redisApps = envBoolean(env, 'PUSHWIRE_REDIS_APPS');
  if (redisApps !== undefined) options['redisApps'] = redisApps;
  for (const [option, name] of NUMERIC_ENV_NAMES) {
    const value = envCount(env, name);
    if (value !== undefined) options[option] = value;
  }
  const limits: Record<string, number> = {};
  for (const [limit, name] of LIMIT_ENV_NAMES) {
    const value = envCount(env, name);
    if (value !== undefined) limits[limit] = value;
  }
  if (Object.keys(limits).length > 0) options['limits'] = limits;
  const tls: Record<string, string> = {};
  for (const [name, field] of [
    ['PUSHWIRE_TLS_CERT', 'cert'],
    ['PUSHWIRE_TLS_KEY', 'key'],
    ['PUSHWIRE_TLS_CA', 'ca'],
  ] as const) {
    const path = env[name]?.trim();
    if (path) tls[field] = path;
  }
  // Not trimmed: a passphrase may begin or end with a space.
  const passphrase = env['PUSHWIRE_TLS_PASSPHRASE'];
  if (passphrase !== undefined && passphrase !== '') tls['passphrase'] = passphrase;
  if (Object.keys(tls).length > 0) options['tls'] = tls;
  const corsOrigins = env['PUSHWIRE_CORS_ORIGINS']?.trim();
  if (corsOrigins) {
    options['cors'] = {
      origins:
        corsOrigins === '*'
          ? '*'
          : corsOrigins
              .split(',')
              .map((origin) => origin.trim())
              .filter((origin) => origin !== ''),
    };
  }
  const metrics: Record<string, unknown> = {};
  const metricsEnabled = envBoolean(env, 'PUSHWIRE_METRICS_ENABLED');
  if (metricsEnabled !== undefined) metrics['enabled'] = metricsEnabled;
  const metricsHost = env['PUSHWIRE_METRICS_HOST']?.trim();
  if (metricsHost) metrics['host'] = metricsHost;
  const metricsPort = envPort(env, 'PUSHWIRE_METRICS_PORT');
  if (metricsPort !== undefined) metrics['port'] = metricsPort;
  if (Object.keys(metrics).length > 0) options['metrics'] = metrics;
  const consoleEnabled = envBoolean(env, 'PUSHWIRE_CONSOLE');
  if (consoleEnabled !== undefined) options['console'] = { enabled: consoleEnabled };
  const proxies = env['PUSHWIRE_TRUSTED_PROXIES'];
  if (proxies !== undefined && proxies.trim() !== '') {
    options['trustedProxies'] = proxies
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  }

  const result = options as FileServerOptions;
  try {
    validateLayer(result, 'the environment');
  } catch (error) {
    if (error instanceof ServerConfigError) {
      throw new ServerConfigError(envNameFor(error.option), error.problem, 'the environment');
    }
    throw error;
  }
  return result;
}

const TLS_ENV_NAMES: ReadonlyMap<string, string> = new Map([
  ['tls.cert', 'PUSHWIRE_TLS_CERT'],
  ['tls.key', 'PUSHWIRE_TLS_KEY'],
  ['tls.ca', 'PUSHWIRE_TLS_CA'],
  ['tls.passphrase', 'PUSHWIRE_TLS_PASSPHRASE'],
]);

const METRICS_ENV_NAMES: ReadonlyMap<string, string> = new Map([
  ['metrics.enabled', 'PUSHWIRE_METRICS_ENABLED'],
  ['metrics.host', 'PUSHWIRE_METRICS_HOST'],
  ['metrics.port', 'PUSHWIRE_METRICS_PORT'],
]);

/** The variable that set an option (`apps[0].key` → PUSHWIRE_APPS or PUSHWIRE_APP_KEY, ...). */
function envNameFor(option: string): string {
  const root = option.split(/[.[]/)[0];
  switch (root) {
    case 'port':
      return 'PUSHWIRE_PORT';
    case 'host':
      return 'PUSHWIRE_HOST';
    case 'webhooks':
      return `PUSHWIRE_WEBHOOK_URLS (${option})`;
    case 'logLevel':
      return 'PUSHWIRE_LOG_LEVEL';
    case 'redisUrl':
      return 'PUSHWIRE_REDIS_URL';
    case 'redisKeyPrefix':
      return 'PUSHWIRE_REDIS_KEY_PREFIX';
    case 'limits':
      return LIMIT_ENV_NAMES.get(option.split('.')[1] ?? '') ?? 'PUSHWIRE_LIMIT_*';
    case 'transport':
      return 'PUSHWIRE_TRANSPORT';
    case 'trustedProxies':
      return `PUSHWIRE_TRUSTED_PROXIES (${option})`;
    case 'tls':
      return TLS_ENV_NAMES.get(option) ?? 'PUSHWIRE_TLS_*';
    case 'cors':
      return `PUSHWIRE_CORS_ORIGINS (${option})`;
    case 'console':
      return 'PUSHWIRE_CONSOLE';
    case 'metrics':
      return METRICS_ENV_NAMES.get(option) ?? 'PUSHWIRE_METRICS_*';
    case 'apps':
      return `PUSHWIRE_APP_* / PUSHWIRE_APPS (${option})`;
    default:
      return (root === undefined ? undefined : NUMERIC_ENV_NAMES.get(root)) ?? option;
  }
}

/** One layer of options; keys set to `undefined` (e.g. absent CLI flags) are skipped by merging. */
export type OptionsLayer = { readonly [K in keyof ServerOptions]?: ServerOptions[K] | undefined };

/** Options whose objects merge field by field across layers (the others are replaced whole). */
const FIELD_MERGED_OPTIONS: ReadonlySet<string> = new Set(['tls', 'cors', 'limits', 'metrics']);

/** `metrics: true | false` is `{ enabled }`, so that it merges with a `{ port }` of another layer. */
function asMergeable(key: string, value: unknown): unknown {
  return key === 'metrics' && typeof value === 'boolean' ? { enabled: value } : value;
}

/**
 * Merges option layers: for each key, the last layer that defines it (not `undefined`) wins.
 * Arrays (`apps`, `webhooks`) are replaced, not concatenated; `tls`, `cors`, `limits` and `metrics` merge
 * field by field (e.g. `tls.cert` from the file, `tls.passphrase` from the environment). Use as
 * `mergeOptions(file, env, flags)`; defaults are filled later by `resolveServerOptions`.
 */
export function mergeOptions(...layers: readonly (OptionsLayer | undefined)[]): ServerOptions {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    if (layer === undefined) continue;
    for (const [key, given] of Object.entries(layer)) {
      if (given === undefined) continue;
      const value = asMergeable(key, given);
      const previous = merged[key];
      merged[key] =
        FIELD_MERGED_OPTIONS.has(key) && isPlainObject(previous) && isPlainObject(value)
          ? { ...previous, ...definedFields(value) }
          : value;
    }
  }
  return merged as ServerOptions;
}

function definedFields(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined));
}

/** Inputs of {@link loadServerOptions}. */
export interface LoadServerOptionsInput {
  /** The environment (usually `process.env`). @default {} */
  readonly env?: Environment;
  /** Options from command-line flags or code: the top layer (undefined values are skipped). */
  readonly flags?: OptionsLayer;
  /** Config file path (`--config`); falls back to `PUSHWIRE_CONFIG`. */
  readonly configPath?: string;
}

/** `defaults < config file < environment < flags`, merged (not yet resolved). */
export function loadServerOptions(input: LoadServerOptionsInput = {}): ServerOptions {
  const env = input.env ?? {};
  const configPath = input.configPath ?? (env['PUSHWIRE_CONFIG']?.trim() || undefined);
  const file = configPath === undefined ? undefined : loadConfigFile(configPath);
  return mergeOptions(file, optionsFromEnv(env), input.flags);
}
