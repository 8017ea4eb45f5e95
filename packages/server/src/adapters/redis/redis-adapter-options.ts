/**
 * @module adapters/redis/redis-adapter-options
 * Options of the Redis adapter, their defaults and validation (a typed error naming the option;
 * never echoing the URL, which may carry a password).
 */

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../../observability/logger';
import { AdapterConfigError } from '../adapter-errors';

/** @deprecated The server's {@link Logger} (one logger type for every package); kept as an alias. */
export type AdapterLogger = Logger;

export interface RedisAdapterOptions {
  /**
   * `redis://[:password@]host:port[/db]` or `rediss://…` for one Redis; for a Redis Cluster (or
   * Valkey cluster), `redis+cluster://[[user]:password@]host:port[,host:port…]` (or
   * `rediss+cluster://…`) listing some of its nodes. Give either `url` or `redis`.
   */
  readonly url?: string;
  /**
   * An ioredis client (`Redis`, or `Cluster` for a Redis Cluster) to copy the connection settings
   * from; the adapter opens its own duplicates (one for commands, one for pub/sub) and leaves this
   * one untouched.
   */
  readonly redis?: Redis | Cluster;
  /**
   * Prefix of every key and of the pub/sub channels, so deployments can share one Redis. On a
   * Redis Cluster it is also the hash tag of the state keys, so it must not contain `{` or `}`.
   */
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

/** Where the adapter connects: one Redis, or the seed nodes of a Redis Cluster. */
export type RedisTarget =
  | { readonly url: string }
  | { readonly redis: Redis }
  | { readonly cluster: Cluster }
  | { readonly clusterUrl: ClusterUrl };

/** A parsed `redis+cluster://` URL. */
export interface ClusterUrl {
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
}

export interface ResolvedRedisAdapterOptions {
  readonly connection: RedisTarget;
  /** True on a Redis Cluster: hash-tagged state keys and sharded pub/sub. */
  readonly sharded: boolean;
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
  const url = options.url ?? '';
  if (hasUrl && !/^rediss?(\+cluster)?:\/\//.test(url)) {
    throw new AdapterConfigError(
      'RedisAdapter option url must start with redis://, rediss://, redis+cluster:// or rediss+cluster://',
    );
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
  const connection = redisTarget(options.redis, url);
  const sharded = 'cluster' in connection || 'clusterUrl' in connection;
  if (sharded && (keyPrefix.length === 0 || /[{}]/.test(keyPrefix))) {
    throw new AdapterConfigError(
      'RedisAdapter option keyPrefix must be non-empty and without { or } on a Redis Cluster',
    );
  }
  return {
    connection,
    sharded,
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

function redisTarget(redis: Redis | Cluster | undefined, url: string): RedisTarget {
  if (redis !== undefined) {
    return (redis as { isCluster?: boolean }).isCluster === true
      ? { cluster: redis as Cluster }
      : { redis: redis as Redis };
  }
  const cluster = /^(rediss?)\+cluster:\/\/(.*)$/.exec(url);
  return cluster
    ? { clusterUrl: parseClusterUrl(cluster[1] === 'rediss', cluster[2] ?? '') }
    : { url };
}

/**
 * `[[user]:password@]host:port[,host:port…]` (after the scheme); errors never echo the URL.
 * A path (`/db`) is refused: a Redis Cluster has database 0 only.
 */
function parseClusterUrl(tls: boolean, rest: string): ClusterUrl {
  const at = rest.lastIndexOf('@');
  const userInfo = at === -1 ? undefined : rest.slice(0, at);
  const hostList = at === -1 ? rest : rest.slice(at + 1);
  const nodes = hostList.split(',').map((hostPort) => {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:/[\]]+)(?::(\d{1,5}))?$/.exec(hostPort.trim());
    const port = Number(match?.[2] ?? 6379);
    if (!match || port < 1 || port > 65535) {
      throw new AdapterConfigError(
        'RedisAdapter option url: a redis+cluster:// URL lists nodes as host:port[,host:port…]',
      );
    }
    return { host: (match[1] ?? '').replace(/^\[|\]$/g, ''), port };
  });
  let username: string | undefined;
  let password: string | undefined;
  if (userInfo !== undefined) {
    const colon = userInfo.indexOf(':');
    const user = decodeUrlPart(colon === -1 ? userInfo : userInfo.slice(0, colon));
    if (user !== '') username = user;
    if (colon !== -1) password = decodeUrlPart(userInfo.slice(colon + 1));
  }
  return {
    nodes,
    tls,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}

function decodeUrlPart(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new AdapterConfigError('RedisAdapter option url has a badly %-encoded user or password');
  }
}
