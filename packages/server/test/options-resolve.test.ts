/**
 * resolveServerOptions: defaults, the relaxed limits, per-app overrides, server-wide webhooks, and
 * a typed ServerConfigError naming the option for every invalid value, never echoing a secret.
 */
import { describe, expect, it } from 'vitest';
import {
  type AppLimits,
  type AppOptions,
  PUSHER_DEFAULT_LIMITS,
  RELAXED_LIMITS,
  resolveServerOptions,
  ServerConfigError,
  type ServerOptions,
  silentLogger,
} from '../src/index';

const SECRET = 'super-secret-value-123';
const APP: AppOptions = { id: '1', key: 'k', secret: SECRET };

function configError(options: unknown): ServerConfigError {
  try {
    resolveServerOptions({ logger: silentLogger, ...(options as ServerOptions) });
  } catch (error) {
    expect(error).toBeInstanceOf(ServerConfigError);
    expect((error as Error).message).not.toContain(SECRET);
    return error as ServerConfigError;
  }
  throw new Error('expected a ServerConfigError');
}

describe('resolveServerOptions defaults', () => {
  it('fills every default, with the development app and Pusher limits', () => {
    const options = resolveServerOptions({ logger: silentLogger });
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 6001,
      relaxed: false,
      activityTimeoutSec: 120,
      pongTimeoutSec: 30,
      webhooks: [],
      logLevel: 'info',
      metrics: { enabled: true },
      pathPrefix: '',
      shutdownTimeoutMs: 10_000,
      maxBufferedBytes: 1_048_576,
      vacateDelayMs: 3_000,
      webhookBatchMs: 50,
      authTimestampToleranceSec: 600,
    });
    expect(options.adapter).toBeUndefined();
    expect(options.apps).toEqual([
      {
        id: 'app-id',
        key: 'app-key',
        secret: 'app-secret',
        name: 'app-id',
        enabled: true,
        enableClientMessages: true,
        requireUserAuthentication: false,
        subscriptionCountEvents: false,
        watchlistEvents: false,
        webhooks: [],
        webhookBatching: true,
        limits: PUSHER_DEFAULT_LIMITS,
        allowedOrigins: [],
      },
    ]);
    expect(PUSHER_DEFAULT_LIMITS).toMatchObject({
      maxEventDataBytes: 10_240,
      maxChannelsPerTrigger: 100,
      maxBatchEvents: 10,
      maxPresenceMembers: 100,
      maxPresenceUserInfoBytes: 1_024,
      maxChannelNameLength: 164,
      maxEventNameLength: 200,
      clientEventsPerSecond: 10,
      cacheTtlSec: 1_800,
      maxSubscriptionsPerConnection: 1_000,
    });
  });

  it('uses the relaxed limits, with per-app overrides on top', () => {
    const options = resolveServerOptions({
      logger: silentLogger,
      relaxed: true,
      apps: [APP, { id: '2', key: 'k2', secret: 's2', limits: { maxBatchEvents: 3 } }],
    });
    expect(options.apps[0]?.limits).toEqual(RELAXED_LIMITS);
    expect(RELAXED_LIMITS).toMatchObject({
      maxEventDataBytes: 1_048_576,
      maxChannelsPerTrigger: 1_000,
      maxBatchEvents: 100,
      maxPresenceMembers: 10_000,
      maxConnections: 0,
    });
    expect(options.apps[1]?.limits).toEqual({ ...RELAXED_LIMITS, maxBatchEvents: 3 });
  });

  it('puts server-wide webhooks before each app own and fills target defaults', () => {
    const options = resolveServerOptions({
      logger: silentLogger,
      webhooks: [{ url: 'https://all.test/hook' }],
      apps: [{ ...APP, webhooks: [{ url: 'http://one.test', events: ['member_added'] }] }],
    });
    expect(options.apps[0]?.webhooks).toEqual([
      {
        url: 'https://all.test/hook',
        events: [
          'channel_occupied',
          'channel_vacated',
          'member_added',
          'member_removed',
          'client_event',
          'cache_miss',
          'subscription_count',
        ],
        headers: {},
        channelPrefix: '',
        channelSuffix: '',
      },
      {
        url: 'http://one.test',
        events: ['member_added'],
        headers: {},
        channelPrefix: '',
        channelSuffix: '',
      },
    ]);
  });

  it('normalizes the path prefix and accepts port 0', () => {
    const options = resolveServerOptions({ logger: silentLogger, pathPrefix: '/pusher/', port: 0 });
    expect(options.pathPrefix).toBe('/pusher');
    expect(options.port).toBe(0);
  });
});

describe('resolveServerOptions errors', () => {
  it.each([
    [{ port: 70_000 }, 'port', 'must be an integer from 0 to 65535, got 70000'],
    [{ port: '80' }, 'port', 'must be an integer from 0 to 65535, got a string'],
    [{ host: '' }, 'host', 'must be a non-empty string'],
    [{ relaxed: 'yes' }, 'relaxed', 'must be true or false'],
    [{ prot: 1 }, 'prot', 'unknown option'],
    [{ apps: [] }, 'apps', 'must contain at least one app'],
    [{ apps: {} }, 'apps', 'must be an array'],
    [{ apps: [{ id: '1', key: 'k' }] }, 'apps[0].secret', 'must be a non-empty string'],
    [{ apps: [{ ...APP, id: 'a/b' }] }, 'apps[0].id', 'may contain only'],
    [{ apps: [{ ...APP, key: 'k k' }] }, 'apps[0].key', 'may contain only'],
    [{ apps: [APP, { ...APP, key: 'k2' }] }, 'apps[1].id', 'is used by another app'],
    [{ apps: [APP, { ...APP, id: '2' }] }, 'apps[1].key', 'is used by another app'],
    [{ apps: [{ ...APP, enabled: 1 }] }, 'apps[0].enabled', 'must be true or false'],
    [{ apps: [{ ...APP, colour: 'red' }] }, 'apps[0].colour', 'unknown option'],
    [
      { apps: [{ ...APP, limits: { maxEventBytes: 0 } }] },
      'apps[0].limits.maxEventBytes',
      'from 1',
    ],
    [
      { apps: [{ ...APP, limits: { maxEventBytes: 1.5 } }] },
      'apps[0].limits.maxEventBytes',
      'integer',
    ],
    [{ apps: [{ ...APP, limits: { maxFoo: 1 } }] }, 'apps[0].limits.maxFoo', 'unknown option'],
    [{ apps: [{ ...APP, allowedOrigins: 'x' }] }, 'apps[0].allowedOrigins', 'must be an array'],
    [{ webhooks: [{ url: 'ftp://x' }] }, 'webhooks[0].url', 'must use http: or https:'],
    [{ webhooks: [{ url: 'not a url' }] }, 'webhooks[0].url', 'absolute http(s) URL'],
    [
      { webhooks: [{ url: 'http://x', events: ['nope'] }] },
      'webhooks[0].events[0]',
      'must be one of',
    ],
    [
      { webhooks: [{ url: 'http://x', headers: { 'X-Pusher-Signature': 'x' } }] },
      'webhooks[0].headers.X-Pusher-Signature',
      'cannot be overridden',
    ],
    [
      { webhooks: [{ url: 'http://x', headers: { A: 'a\nb' } }] },
      'webhooks[0].headers.A',
      'single-line',
    ],
    [{ webhooks: [{ url: 'http://x', channelPrefix: 1 }] }, 'webhooks[0].channelPrefix', 'string'],
    [{ webhooks: [{ url: 'http://x', channelSuffix: [] }] }, 'webhooks[0].channelSuffix', 'string'],
    [{ logLevel: 'loud' }, 'logLevel', 'must be one of'],
    [{ logger: { info() {} } }, 'logger', 'must have debug, info, warn and error'],
    [{ pathPrefix: 'pusher' }, 'pathPrefix', 'must be a path starting with "/"'],
    [{ redisUrl: 'http://x' }, 'redisUrl', 'must start with redis://'],
    [{ activityTimeoutSec: 0 }, 'activityTimeoutSec', 'from 1'],
    [{ pongTimeoutSec: -1 }, 'pongTimeoutSec', 'from 1'],
    [{ shutdownTimeoutMs: -1 }, 'shutdownTimeoutMs', 'from 0'],
    [{ maxBufferedBytes: 0 }, 'maxBufferedBytes', 'from 1'],
    [{ vacateDelayMs: 'soon' }, 'vacateDelayMs', 'integer'],
    [{ webhookBatchMs: -5 }, 'webhookBatchMs', 'from 0'],
    [{ authTimestampToleranceSec: 0 }, 'authTimestampToleranceSec', 'from 1'],
    [{ adapter: 5 }, 'adapter', 'must be an Adapter object'],
  ])('%j → %s', (options, option, problem) => {
    const error = configError(options);
    expect(error.option).toBe(option);
    expect(error.code).toBe('PUSHWIRE_ERR_SERVER_CONFIG');
    expect(error.message).toContain(`"${option}"`);
    expect(error.message).toContain(problem);
  });

  it('never echoes a secret, even a wrongly typed one', () => {
    const error = configError({ apps: [{ id: '1', key: 'k', secret: [SECRET] }] });
    expect(error.option).toBe('apps[0].secret');
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });
});

describe('limit names shared with the SDK', () => {
  it("accepts the former maxEventBytes as maxEventDataBytes (the SDK's name)", () => {
    const limits = { maxEventBytes: 2_048 } as Partial<AppLimits>;
    const resolved = resolveServerOptions({ logger: silentLogger, apps: [{ ...APP, limits }] });
    expect(resolved.apps[0]?.limits.maxEventDataBytes).toBe(2_048);
    expect(resolved.apps[0]?.limits).not.toHaveProperty('maxEventBytes');
  });
});
