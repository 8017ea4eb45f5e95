/**
 * Config file loading, PUSHWIRE_* environment mapping, and the merge order
 * defaults < file < env < flags. Errors name the file or variable and the bad key, never a secret.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  loadConfigFile,
  loadServerOptions,
  mergeOptions,
  optionsFromEnv,
  resolveServerOptions,
  ServerConfigError,
  silentLogger,
} from '../src/index';

const SECRET = 'file-secret-abcdef';
const dir = mkdtempSync(join(tmpdir(), 'pushwire-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function thrown(run: () => unknown): ServerConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ServerConfigError);
    expect((error as Error).message).not.toContain(SECRET);
    return error as ServerConfigError;
  }
  throw new Error('expected a ServerConfigError');
}

describe('loadConfigFile', () => {
  it('reads a JSON file (ignoring $schema)', () => {
    const path = writeConfig(
      'ok.json',
      JSON.stringify({
        $schema: './schema.json',
        port: 7000,
        apps: [{ id: '1', key: 'k', secret: SECRET, limits: { maxBatchEvents: 20 } }],
        webhooks: [{ url: 'https://hooks.test/p' }],
      }),
    );
    expect(loadConfigFile(path)).toEqual({
      port: 7000,
      apps: [{ id: '1', key: 'k', secret: SECRET, limits: { maxBatchEvents: 20 } }],
      webhooks: [{ url: 'https://hooks.test/p' }],
    });
  });

  it('reports a missing file with its path', () => {
    const error = thrown(() => loadConfigFile(join(dir, 'missing.json')));
    expect(error.message).toBe(
      `Invalid server option "config" in ${join(dir, 'missing.json')}: cannot read the file (ENOENT)`,
    );
  });

  it('reports invalid JSON by position without quoting the file', () => {
    const path = writeConfig('bad.json', `{\n  "apps": [{"secret": "${SECRET}",}]\n}`);
    const error = thrown(() => loadConfigFile(path));
    expect(error.option).toBe('config');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/invalid JSON/);
  });

  it('rejects a non-object, live objects and bad keys, naming the key and the file', () => {
    expect(thrown(() => loadConfigFile(writeConfig('arr.json', '[]'))).message).toContain(
      'the file must contain a JSON object',
    );
    expect(thrown(() => loadConfigFile(writeConfig('logger.json', '{"logger":{}}'))).option).toBe(
      'logger',
    );
    const onEvent = thrown(() => loadConfigFile(writeConfig('on-event.json', '{"onEvent":"x"}')));
    expect(onEvent.option).toBe('onEvent');
    expect(onEvent.message).toContain('cannot be set in a config file');
    const bad = writeConfig(
      'key.json',
      JSON.stringify({ apps: [{ id: '1', key: 'k', secret: SECRET, limts: {} }] }),
    );
    const error = thrown(() => loadConfigFile(bad));
    expect(error.option).toBe('apps[0].limts');
    expect(error.message).toBe(`Invalid server option "apps[0].limts" in ${bad}: unknown option`);
  });
});

describe('optionsFromEnv', () => {
  it('maps every variable', () => {
    const options = optionsFromEnv({
      PUSHWIRE_PORT: '7001',
      PUSHWIRE_HOST: '0.0.0.0',
      PUSHWIRE_APP_ID: 'env-app',
      PUSHWIRE_APP_KEY: 'env-key',
      PUSHWIRE_APP_SECRET: SECRET,
      PUSHWIRE_APPS: JSON.stringify([{ id: 'two', key: 'two-key', secret: 's2' }]),
      PUSHWIRE_WEBHOOK_URLS: 'https://a.test/h, http://b.test/h',
      PUSHWIRE_RELAXED: 'true',
      PUSHWIRE_LOG_LEVEL: 'debug',
      PUSHWIRE_REDIS_URL: 'redis://127.0.0.1:6379',
      UNRELATED: 'x',
    });
    expect(options).toEqual({
      port: 7001,
      host: '0.0.0.0',
      apps: [
        { id: 'env-app', key: 'env-key', secret: SECRET },
        { id: 'two', key: 'two-key', secret: 's2' },
      ],
      webhooks: [{ url: 'https://a.test/h' }, { url: 'http://b.test/h' }],
      relaxed: true,
      logLevel: 'debug',
      redisUrl: 'redis://127.0.0.1:6379',
    });
    expect(optionsFromEnv({})).toEqual({});
    // Every server-wide numeric limit and timing has a variable named after its key.
    expect(
      optionsFromEnv({
        PUSHWIRE_REQUEST_TIMEOUT_MS: '5000',
        PUSHWIRE_INBOUND_FRAME_BURST: '2000',
        PUSHWIRE_WEBHOOK_MAX_QUEUED_BYTES: '1048576',
        PUSHWIRE_WEBHOOK_CONCURRENCY_PER_TARGET: '4',
        PUSHWIRE_MAX_BUFFERED_BYTES: '65536',
      }),
    ).toEqual({
      requestTimeoutMs: 5000,
      inboundFrameBurst: 2000,
      webhookMaxQueuedBytes: 1_048_576,
      webhookConcurrencyPerTarget: 4,
      maxBufferedBytes: 65_536,
    });
    expect(optionsFromEnv({ PUSHWIRE_RELAXED: '0' })).toEqual({ relaxed: false });
  });

  it.each([
    [{ PUSHWIRE_PORT: 'abc' }, 'PUSHWIRE_PORT'],
    [{ PUSHWIRE_PORT: '70000' }, 'PUSHWIRE_PORT'],
    [{ PUSHWIRE_RELAXED: 'maybe' }, 'PUSHWIRE_RELAXED'],
    [{ PUSHWIRE_APP_ID: 'a', PUSHWIRE_APP_KEY: 'k' }, 'PUSHWIRE_APP_SECRET'],
    [{ PUSHWIRE_APP_KEY: 'k', PUSHWIRE_APP_SECRET: SECRET }, 'PUSHWIRE_APP_ID'],
    [{ PUSHWIRE_APPS: `[{"secret":"${SECRET}"` }, 'PUSHWIRE_APPS'],
    [{ PUSHWIRE_APPS: '{}' }, 'PUSHWIRE_APPS'],
    [
      { PUSHWIRE_APPS: `[{"id":"x","secret":"${SECRET}"}]` },
      'PUSHWIRE_APP_* / PUSHWIRE_APPS (apps[0].key)',
    ],
    [{ PUSHWIRE_WEBHOOK_URLS: 'ftp://x' }, 'PUSHWIRE_WEBHOOK_URLS (webhooks[0].url)'],
    [{ PUSHWIRE_LOG_LEVEL: 'chatty' }, 'PUSHWIRE_LOG_LEVEL'],
    [{ PUSHWIRE_REDIS_URL: 'localhost:6379' }, 'PUSHWIRE_REDIS_URL'],
    [{ PUSHWIRE_REQUEST_TIMEOUT_MS: '1.5' }, 'PUSHWIRE_REQUEST_TIMEOUT_MS'],
    [{ PUSHWIRE_WEBHOOK_MAX_QUEUED_BYTES: '10' }, 'PUSHWIRE_WEBHOOK_MAX_QUEUED_BYTES'],
  ])('%j → error naming %s', (env, option) => {
    const error = thrown(() => optionsFromEnv(env));
    expect(error.option).toBe(option);
    expect(error.message).toContain('in the environment');
  });
});

describe('merge order', () => {
  it('mergeOptions: later defined values win, arrays are replaced', () => {
    expect(
      mergeOptions(
        { port: 1, host: 'a', webhooks: [{ url: 'http://one.test' }] },
        undefined,
        { port: 2, host: undefined, webhooks: [{ url: 'http://two.test' }] },
        { relaxed: true },
      ),
    ).toEqual({ port: 2, host: 'a', webhooks: [{ url: 'http://two.test' }], relaxed: true });
  });

  it('loadServerOptions: defaults < file (PUSHWIRE_CONFIG or configPath) < env < flags', () => {
    const path = writeConfig(
      'layers.json',
      JSON.stringify({ port: 1000, host: '10.0.0.1', logLevel: 'warn' }),
    );
    const env = { PUSHWIRE_CONFIG: path, PUSHWIRE_PORT: '2000', PUSHWIRE_RELAXED: 'yes' };
    const merged = loadServerOptions({ env, flags: { port: 3000 } });
    expect(merged).toEqual({ port: 3000, host: '10.0.0.1', logLevel: 'warn', relaxed: true });
    const resolved = resolveServerOptions({ ...merged, logger: silentLogger });
    expect(resolved.activityTimeoutSec).toBe(120);
    expect(resolved.port).toBe(3000);

    const other = writeConfig('other.json', JSON.stringify({ port: 4000 }));
    expect(loadServerOptions({ env, configPath: other })).toEqual({ port: 2000, relaxed: true });
    expect(loadServerOptions()).toEqual({});
  });
});

describe('options that were code-only (issue 9.5)', () => {
  it('reads the Redis key prefix, the sign-in deadline and server-wide default limits from the environment', () => {
    const options = optionsFromEnv({
      PUSHWIRE_REDIS_KEY_PREFIX: 'blue:',
      PUSHWIRE_USER_AUTHENTICATION_TIMEOUT_MS: '5000',
      PUSHWIRE_LIMIT_MAX_EVENT_DATA_BYTES: '20480',
      PUSHWIRE_LIMIT_CLIENT_EVENTS_PER_SECOND: '0',
    });
    expect(options).toEqual({
      redisKeyPrefix: 'blue:',
      userAuthenticationTimeoutMs: 5000,
      limits: { maxEventDataBytes: 20_480, clientEventsPerSecond: 0 },
    });
  });

  it('applies server-wide limits to every app under its own, merged field by field across layers', () => {
    const merged = mergeOptions(
      { limits: { maxEventDataBytes: 20_480 } },
      { limits: { maxChannelsPerTrigger: 5 } },
    );
    const resolved = resolveServerOptions({
      ...merged,
      logger: silentLogger,
      apps: [
        { id: 'a', key: 'ka', secret: 's' },
        { id: 'b', key: 'kb', secret: 's', limits: { maxEventDataBytes: 1_000 } },
      ],
    });
    expect(resolved.apps[0]?.limits).toMatchObject({
      maxEventDataBytes: 20_480,
      maxChannelsPerTrigger: 5,
      maxBatchEvents: 10,
    });
    expect(resolved.apps[1]?.limits).toMatchObject({
      maxEventDataBytes: 1_000,
      maxChannelsPerTrigger: 5,
    });
    expect(resolved.userAuthenticationTimeoutMs).toBe(30_000);
  });

  it('refuses a bad server-wide limit, key prefix or deadline naming the option and its variable', () => {
    expect(() =>
      resolveServerOptions({ logger: silentLogger, limits: { maxBatchEvents: 0 } }),
    ).toThrow(/limits\.maxBatchEvents/);
    expect(() =>
      resolveServerOptions({ logger: silentLogger, redisKeyPrefix: 'has space' }),
    ).toThrow(/redisKeyPrefix/);
    expect(() =>
      resolveServerOptions({ logger: silentLogger, userAuthenticationTimeoutMs: 0 }),
    ).toThrow(/userAuthenticationTimeoutMs/);
  });
});
