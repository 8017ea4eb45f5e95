/**
 * @module options/resolve-metrics
 * Validates the `metrics` option: `true` / `false`, or `{ enabled?, host?, port? }` where a `port`
 * moves `/metrics` to a listener of its own (on `host`, default the server's host).
 */
import { ServerConfigError } from '../config-error';
import type { ResolvedMetricsOptions } from './types';
import { readBoolean, readInteger, readObject, readString, rejectUnknownKeys } from './validate';

const METRICS_KEYS = ['enabled', 'host', 'port'];
const MAX_PORT = 65_535;

/** The `metrics` option with its defaults; `serverHost` is the default of `host`. */
export function resolveMetrics(value: unknown, serverHost: string): ResolvedMetricsOptions {
  if (value === undefined) return Object.freeze({ enabled: true });
  if (typeof value === 'boolean') return Object.freeze({ enabled: value });
  const raw = readObject(value, 'metrics', 'true, false or an object { enabled?, host?, port? }');
  rejectUnknownKeys(raw, METRICS_KEYS, 'metrics');
  const enabled = readBoolean(raw['enabled'], 'metrics.enabled', true);
  if (raw['port'] === undefined) {
    if (raw['host'] !== undefined) {
      throw new ServerConfigError(
        'metrics.host',
        'needs metrics.port: without a port of their own the metrics are on the main port',
      );
    }
    return Object.freeze({ enabled });
  }
  const port = readInteger(raw['port'], 'metrics.port', 0, 0, MAX_PORT);
  const host = readString(raw['host'], 'metrics.host', serverHost);
  return Object.freeze({ enabled, host, port });
}
