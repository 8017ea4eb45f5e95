/**
 * @module adapters/redis/redis-adapter-options
 * Options of the Redis adapter, their defaults and validation (a typed error naming the option;
 * never echoing the URL, which may carry a password).
 */

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from '../../observability/logger';
import { AdapterConfigError } from '../adapter-errors';

/** @deprecated The server's {@link Logger} (one logger type for every package); kept as an alias. */
export type AdapterLogger = Logger;

export interface RedisAdapterOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://…`. Give either `url` or `redis`. */
  readonly url?: string;
  /**
   * An ioredis client to copy the connection settings from; the adapter opens its own duplicates
   * (one for commands, one for pub/sub) and leaves this one untouched.
   */
  readonly redis?: Redis;
  /** Prefix of every key and of the pub/sub channel, so deployments can share one Redis. */
  readonly keyPrefix?: string;
  /** How often this node records its heartbeat and looks for dead nodes. */
  readonly heartbeatIntervalMs?: number;
  /**
   * A node silent for longer than this is dead: a survivor removes its connections. Removal happens
   * at most `nodeTimeoutMs + heartbeatIntervalMs` after the node's last heartbeat (10 s by default).
   */
  readonly nodeTimeoutMs?: number;
  /** Fail a Redis command after this long and treat Redis as unavailable. */
  readonly commandTimeoutMs?: number;
  /** While Redis is unreachable (at start too), the outage is logged again this often. */
  readonly outageLogIntervalMs?: number;
  readonly logger?: Logger;
  /** Unique id of this node in the cluster (default `<hostname>-<pid>-<random>`). */
  readonly nodeId?: string;
}

export const DEFAULT_KEY_PREFIX = 'pushwire:';
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 2000;
export const DEFAULT_NODE_TIMEOUT_MS = 8000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;
export const DEFAULT_OUTAGE_LOG_INTERVAL_MS = 10_000;
const MIN_HEARTBEAT_INTERVAL_MS = 10;

export interface ResolvedRedisAdapterOptions {
  readonly connection: { readonly url: string } | { readonly redis: Redis };
  readonly keyPrefix: string;
  readonly heartbeatIntervalMs: number;
  readonly nodeTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly outageLogIntervalMs: number;
  readonly logger: Logger | undefined;
  readonly nodeId: string;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new AdapterConfigError(`RedisAdapter option ${name} must be a positive integer`);
  }
  return value;
}

export function resolveRedisAdapterOptions(
  options: RedisAdapterOptions,
): ResolvedRedisAdapterOptions {
  const hasUrl = options.url !== undefined;
  const hasClient = options.redis !== undefined;
  if (hasUrl === hasClient) {
    throw new AdapterConfigError('RedisAdapter needs exactly one of the options url or redis');
  }
  if (hasUrl && !/^rediss?:\/\//.test(options.url ?? '')) {
    throw new AdapterConfigError('RedisAdapter option url must start with redis:// or rediss://');
  }
  const heartbeatIntervalMs = positiveInteger(
    'heartbeatIntervalMs',
    options.heartbeatIntervalMs,
    DEFAULT_HEARTBEAT_INTERVAL_MS,
  );
  if (heartbeatIntervalMs < MIN_HEARTBEAT_INTERVAL_MS) {
    throw new AdapterConfigError(
      `RedisAdapter option heartbeatIntervalMs must be at least ${MIN_HEARTBEAT_INTERVAL_MS}`,
    );
  }
  const nodeTimeoutMs = positiveInteger(
    'nodeTimeoutMs',
    options.nodeTimeoutMs,
    DEFAULT_NODE_TIMEOUT_MS,
  );
  if (nodeTimeoutMs < 2 * heartbeatIntervalMs) {
    throw new AdapterConfigError(
      'RedisAdapter option nodeTimeoutMs must be at least twice heartbeatIntervalMs',
    );
  }
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (typeof keyPrefix !== 'string') {
    throw new AdapterConfigError('RedisAdapter option keyPrefix must be a string');
  }
  const nodeId = options.nodeId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  if (typeof nodeId !== 'string' || nodeId.length === 0) {
    throw new AdapterConfigError('RedisAdapter option nodeId must be a non-empty string');
  }
  const connection =
    options.redis !== undefined ? { redis: options.redis } : { url: options.url ?? '' };
  return {
    connection,
    keyPrefix,
    heartbeatIntervalMs,
    nodeTimeoutMs,
    commandTimeoutMs: positiveInteger(
      'commandTimeoutMs',
      options.commandTimeoutMs,
      DEFAULT_COMMAND_TIMEOUT_MS,
    ),
    outageLogIntervalMs: positiveInteger(
      'outageLogIntervalMs',
      options.outageLogIntervalMs,
      DEFAULT_OUTAGE_LOG_INTERVAL_MS,
    ),
    logger: options.logger,
    nodeId,
  };
}
