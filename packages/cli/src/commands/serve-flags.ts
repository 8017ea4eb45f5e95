/**
 * @module commands/serve-flags
 * The flags of `pushwire serve` and the server option each one sets: the parser reads the first
 * table, the generated configuration reference (scripts/gen-config-reference.mjs) the second.
 */
import type { FlagSpecs } from '../args';

export const SERVE_FLAGS = {
  help: { type: 'boolean', short: 'h' },
  port: { type: 'string' },
  host: { type: 'string' },
  config: { type: 'string' },
  'webhook-url': { type: 'string', multiple: true },
  'redis-url': { type: 'string' },
  'redis-key-prefix': { type: 'string' },
  relaxed: { type: 'boolean' },
  'log-level': { type: 'string' },
  transport: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-ca': { type: 'string' },
  'cors-origin': { type: 'string', multiple: true },
  console: { type: 'boolean' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  'no-metrics': { type: 'boolean' },
} as const satisfies FlagSpecs;

/** The config file path: set by `--config` and `PUSHWIRE_CONFIG`, not an option itself. */
export const CONFIG_FILE_OPTION = '(config file)';

/**
 * The option (config-file key path) each flag sets. A new flag without an entry here fails the
 * type check; the configuration reference test checks that each one really sets its option.
 */
export const SERVE_FLAG_OPTIONS: Readonly<
  Record<Exclude<keyof typeof SERVE_FLAGS, 'help'>, string>
> = Object.freeze({
  port: 'port',
  host: 'host',
  config: CONFIG_FILE_OPTION,
  'webhook-url': 'webhooks',
  'redis-url': 'redisUrl',
  'redis-key-prefix': 'redisKeyPrefix',
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
