/**
 * @module adapters/redis
 * Entry point `@pushwire/server/adapters/redis`: the Redis scale-out adapter. Importing it needs the
 * optional peer dependency ioredis.
 */
export { AdapterConfigError } from '../adapter-errors';
export { RedisAdapter } from './redis-adapter';
export {
  type AdapterLogger,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_KEY_PREFIX,
  DEFAULT_NODE_TIMEOUT_MS,
  type RedisAdapterOptions,
} from './redis-adapter-options';
