/**
 * @module adapters/redis/script-runner
 * Runs a Lua script by its SHA1 (EVALSHA) and falls back to sending the source (EVAL) when Redis
 * does not know it yet, e.g. after a restart flushed the script cache.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A script bound to its source and SHA1. */
export class LuaScript {
  private readonly sha1: string;

  constructor(private readonly source: string) {
    this.sha1 = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script with no KEYS and the given ARGV. */
  async run(redis: Redis, args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha1, 0, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, 0, ...args);
    }
  }
}
