/**
 * @module adapters/redis/command-deadline
 * Every Redis call of the adapter ends within the command timeout. ioredis enforces it on one
 * Redis; a Redis Cluster client with its offline queue (needed so commands to a master whose
 * connection is still opening wait in order instead of being retried on a random master) keeps
 * commands without a deadline while the cluster is not ready, so the adapter adds its own.
 */
import type { RedisClient } from './scripts';

/** Rejected when a call did not settle within the command timeout. */
export class CommandTimeoutError extends Error {
  override readonly name = 'CommandTimeoutError';
}

const DEFAULT_TIMEOUT_MS = 5000;

function commandTimeoutOf(client: RedisClient): number {
  const options = client.options as {
    commandTimeout?: number;
    redisOptions?: { commandTimeout?: number };
  };
  return options.redisOptions?.commandTimeout ?? options.commandTimeout ?? DEFAULT_TIMEOUT_MS;
}

/** `call` as sent on `client`, rejected with {@link CommandTimeoutError} past its command timeout. */
export function withDeadline<T>(client: RedisClient, call: Promise<T>): Promise<T> {
  if (!('isCluster' in client && client.isCluster)) return call;
  const timeoutMs = commandTimeoutOf(client);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CommandTimeoutError(`redis command timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  call.catch(() => {}); // settles after the deadline: already reported
  return Promise.race([call, expired]).finally(() => clearTimeout(timer));
}
