/**
 * @module adapters/load-redis-adapter
 * Creates the Redis adapter for `createServer({ redisUrl })` through a dynamic import, so that the
 * optional peer dependency ioredis is loaded only by servers that use Redis. A missing ioredis is a
 * {@link ServerConfigError} that says how to fix it.
 */

import { ServerConfigError } from '../config-error';
import type { Logger } from '../observability/logger';
import type { Adapter } from './adapter';

/** Wrapped errors followed when recognizing a missing ioredis. */
const MAX_CAUSE_DEPTH = 5;

/**
 * Loads `RedisAdapter` and creates it for `url` (with `keyPrefix` when given); rejects with a
 * ServerConfigError without ioredis.
 */
export async function loadRedisAdapter(
  url: string,
  logger: Logger,
  keyPrefix?: string,
): Promise<Adapter> {
  let redisModule: typeof import('./redis/index');
  try {
    redisModule = await import('./redis/index');
  } catch (error) {
    if (isMissingIoredis(error)) {
      throw new ServerConfigError(
        'redisUrl',
        'needs the optional peer dependency ioredis: install it with `npm install ioredis` ' +
          '(or pass your own `adapter` instead of `redisUrl`)',
      );
    }
    throw error;
  }
  return new redisModule.RedisAdapter({
    url,
    logger,
    ...(keyPrefix === undefined ? {} : { keyPrefix }),
  });
}

/**
 * Imports ioredis for code that uses it without the adapter (the Redis app store); a missing
 * package is a ServerConfigError that says how to fix it, any other failure is rethrown.
 */
export async function importIoredis(): Promise<typeof import('ioredis')> {
  try {
    return await import('ioredis');
  } catch (error) {
    if (isMissingIoredis(error)) {
      throw new ServerConfigError(
        'redisUrl',
        'needs the optional peer dependency ioredis: install it with `npm install ioredis`',
      );
    }
    throw error;
  }
}

/** True for a "module not found" error about ioredis, also when a loader wrapped it (`cause`). */
function isMissingIoredis(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > MAX_CAUSE_DEPTH) return false;
  const code = (error as Error & { code?: unknown }).code;
  const notFound =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /cannot find/i.test(error.message);
  if (notFound && error.message.includes('ioredis')) return true;
  return isMissingIoredis(error.cause, depth + 1);
}
