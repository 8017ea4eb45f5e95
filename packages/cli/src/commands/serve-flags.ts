/**
 * @module commands/serve-flags
 * The server option each flag of `pushwire serve` sets, for the generated configuration reference
 * (scripts/gen-config-reference.mjs) and its test. A flag added to `SERVE_FLAGS` without an entry
 * here fails the type check.
 */
import type { SERVE_FLAGS } from './serve';

/** The config file path: set by `--config` and `PUSHWIRE_CONFIG`, not an option itself. */
export const CONFIG_FILE_OPTION = '(config file)';

/** Flags that set no server option: they change what the CLI does around the server. */
export const CLI_ONLY_SERVE_FLAGS = ['no-watch-config'] as const;

/**
 * The option (config-file key path) each flag sets. A new flag without an entry here fails the
 * type check; the configuration reference test checks that each one really sets its option.
 */
export const SERVE_FLAG_OPTIONS: Readonly<
  Record<Exclude<keyof typeof SERVE_FLAGS, 'help' | (typeof CLI_ONLY_SERVE_FLAGS)[number]>, string>
> = Object.freeze({
  port: 'port',
  host: 'host',
  config: CONFIG_FILE_OPTION,
  'webhook-url': 'webhooks',
  'redis-url': 'redisUrl',
  'redis-key-prefix': 'redisKeyPrefix',
  'no-redis-apps': 'redisApps',
  relaxed: 'relaxed',
  'log-level': 'logLevel',
  transport: 'transport',
  'tls-cert': 'tls.cert',
  'tls-key': 'tls.key',
  'tls-ca': 'tls.ca',
  'cors-origin': 'cors.origins',
  console: 'console.enabled',
  'metrics-port': 'metrics.port',
  'metrics-host': 'metrics.host',
  'no-metrics': 'metrics.enabled',
});
