/**
 * @module adapters/redis/script-runner
 * Runs a Lua script by its SHA1 (EVALSHA) and falls back to sending the source (EVAL) when Redis
 * does not know it yet, e.g. after a restart flushed the script cache. Most scripts build their keys
 * from ARGV; a script may also declare its keys (`KEYS`).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A script bound to its source and SHA1. */
export class LuaScript {
  private readonly sha1: string;

  constructor(private readonly source: string) {
    this.sha1 = createHash('sha1').update(source).digest('hex');
  }

  /** Makes sure Redis knows the script, so that {@link run} needs no EVAL fallback. */
  async load(redis: Redis): Promise<void> {
    await redis.call('SCRIPT', ['LOAD', this.source]);
  }

  /**
   * Runs the script with no KEYS and the given ARGV. The arguments are passed as one array, never
   * spread into a call (callers keep each call bounded, see resync-batch.ts).
   */
  async run(redis: Redis, args: readonly (string | number)[]): Promise<unknown> {
    return this.runWithKeys(redis, [], args);
  }

  /** Runs the script with the keys it declares (`KEYS`) and the given ARGV. */
  async runWithKeys(
    redis: Redis,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await redis.call('EVALSHA', withScript(this.sha1, keys, args));
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.call('EVAL', withScript(this.source, keys, args));
    }
  }
}

/** `[script, key count, ...keys, ...args]` built without spreading `keys` or `args`. */
function withScript(
  script: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): (string | number)[] {
  const command: (string | number)[] = [script, keys.length];
  for (const key of keys) command.push(key);
  for (const arg of args) command.push(arg);
  return command;
}
