/**
 * @module test/cluster-redis-url-missing
 * `createServer({ redisUrl })` when the optional peer dependency ioredis is not installed: `listen()`
 * rejects with a ServerConfigError that says to install it. ioredis IS installed in this repository,
 * so its absence is injected with a module mock (a fault no real install can produce here).
 */
import { describe, expect, it, vi } from 'vitest';
import { createServer, ServerConfigError } from '../src/index';
import { APP } from './ws-helpers';

vi.mock('ioredis', () => {
  const error = new Error("Cannot find package 'ioredis' imported from pushwire") as Error & {
    code: string;
  };
  error.code = 'ERR_MODULE_NOT_FOUND';
  throw error;
});

describe('createServer({ redisUrl }) without ioredis', () => {
  it('listen() rejects with a ServerConfigError naming the fix; close() still works', async () => {
    const server = createServer({
      port: 0,
      logLevel: 'silent',
      apps: [APP],
      redisUrl: 'redis://:s3cret@127.0.0.1:1',
    });
    const failure = await server.listen().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ServerConfigError);
    expect(failure).toMatchObject({ option: 'redisUrl' });
    expect(String(failure)).toMatch(/npm install ioredis/);
    expect(String(failure)).not.toContain('s3cret');
    await server.close();
  });
});
