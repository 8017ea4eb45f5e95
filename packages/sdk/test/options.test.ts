/**
 * Client configuration: defaults, host/cluster/TLS/port resolution, fromUrl/fromEnv, and a
 * ConfigurationError naming the option for every invalid value (never echoing the secret).
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, Pusher, type PusherOptions } from '../src/index';
import { resolveOptions } from '../src/options';

const base = { appId: '123', key: 'app-key', secret: 'very-secret-value' } as const;
const SECRET = base.secret;

describe('defaults and endpoint', () => {
  it('TLS on, api-mt1.pusher.com:443, 10 s timeout, 2 retries, Pusher limits', () => {
    const resolved = resolveOptions(base);
    expect(resolved.endpoint).toEqual({ scheme: 'https', host: 'api-mt1.pusher.com', port: 443 });
    expect(resolved.timeoutMs).toBe(10_000);
    expect(resolved.retry.retries).toBe(2);
    expect(resolved.maxResponseBodyBytes).toBe(16 * 1024 * 1024);
    expect(resolveOptions({ ...base, maxResponseBodyBytes: 1000 }).maxResponseBodyBytes).toBe(1000);
    expect(resolved.limits.maxChannelsPerTrigger).toBe(100);
    expect(resolved.notificationEndpoint).toEqual({
      scheme: 'https',
      host: 'nativepush-cluster1.pusher.com',
      port: 443,
    });
    expect(new Pusher(base).baseUrl).toBe('https://api-mt1.pusher.com:443/apps/123');
  });

  it.each<[Partial<PusherOptions>, { scheme: string; host: string; port: number }]>([
    [{ cluster: 'eu' }, { scheme: 'https', host: 'api-eu.pusher.com', port: 443 }],
    [
      { cluster: 'eu', host: 'example.com' },
      { scheme: 'https', host: 'example.com', port: 443 },
    ],
    [{ useTLS: false }, { scheme: 'http', host: 'api-mt1.pusher.com', port: 80 }],
    [{ encrypted: false }, { scheme: 'http', host: 'api-mt1.pusher.com', port: 80 }],
    [
      { encrypted: true, useTLS: true },
      { scheme: 'https', host: 'api-mt1.pusher.com', port: 443 },
    ],
    [
      { host: 'localhost', port: 6001, useTLS: false },
      { scheme: 'http', host: 'localhost', port: 6001 },
    ],
    [{ host: 'soketi.internal:6001' }, { scheme: 'https', host: 'soketi.internal', port: 6001 }],
    [
      { host: '[::1]:6001', useTLS: false },
      { scheme: 'http', host: '::1', port: 6001 },
    ],
    [
      { host: '10.0.0.1', port: 8443 },
      { scheme: 'https', host: '10.0.0.1', port: 8443 },
    ],
  ])('%o -> %o', (options, endpoint) => {
    expect(resolveOptions({ ...base, ...options }).endpoint).toEqual(endpoint);
  });

  it('appId may be a number; notification host and scheme are configurable', () => {
    const resolved = resolveOptions({
      ...base,
      appId: 42,
      notificationHost: 'push.local:9000',
      notificationScheme: 'http',
    });
    expect(resolved.appId).toBe('42');
    expect(resolved.notificationEndpoint).toEqual({
      scheme: 'http',
      host: 'push.local',
      port: 9000,
    });
  });
});

describe('invalid options', () => {
  it.each<[string, Record<string, unknown>]>([
    ['appId', { appId: undefined }],
    ['appId', { appId: 'has/slash' }],
    ['appId', { appId: -1 }],
    ['key', { key: '' }],
    ['key', { key: 'a:b' }],
    ['secret', { secret: undefined }],
    ['secret', { secret: 42 }],
    ['cluster', { cluster: 'eu.evil/x' }],
    ['host', { host: 'https://api.pusher.com' }],
    ['host', { host: 'api.pusher.com/apps' }],
    ['port', { port: 0 }],
    ['port', { port: 70_000 }],
    ['port', { port: '443' }],
    ['useTLS', { useTLS: 'yes' }],
    ['encrypted', { useTLS: true, encrypted: false }],
    ['timeout', { timeout: 0 }],
    ['timeout', { timeout: Number.NaN }],
    ['retry', { retry: 'often' }],
    ['retry', { retry: -1 }],
    ['retry.retries', { retry: { retries: 1.5 } }],
    ['retry.maxDelayMs', { retry: { minDelayMs: 500, maxDelayMs: 100 } }],
    ['fetch', { fetch: 'fetch' }],
    ['httpProxy', { httpProxy: 'ftp://proxy' }],
    ['ca', { ca: 3 }],
    ['maxResponseBodyBytes', { maxResponseBodyBytes: 0 }],
    ['maxResponseBodyBytes', { maxResponseBodyBytes: 1.5 }],
    ['maxResponseBodyBytes', { maxResponseBodyBytes: Number.POSITIVE_INFINITY }],
    ['logger', { logger: 'console' }],
    ['logger.debug', { logger: { debug: 'loud' } }],
    ['limits.maxBatchEvents', { limits: { maxBatchEvents: 0 } }],
    ['limits.maxWhatever', { limits: { maxWhatever: 3 } }],
    ['encryptionMasterKeyBase64', { encryptionMasterKeyBase64: 'c2hvcnQ=' }],
    ['encryptionMasterKeyBase64', { encryptionMasterKeyBase64: 12 }],
    ['notificationScheme', { notificationScheme: 'ftp' }],
    ['now', { now: 5 }],
    ['scheme', { scheme: 'https' }],
  ])('%s: %o', (option, overrides) => {
    let error: unknown;
    try {
      new Pusher({ ...base, ...overrides } as PusherOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe(option);
    expect((error as Error).message).not.toContain(SECRET);
    expect(inspect(error)).not.toContain(SECRET);
  });

  it('the client itself does not show the secret', () => {
    const pusher = new Pusher(base);
    expect(inspect(pusher, { depth: 5 })).not.toContain(SECRET);
    expect(JSON.stringify(pusher)).not.toContain(SECRET);
  });
});

describe('fromUrl and fromEnv', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('parses https with the cluster host', () => {
    const pusher = Pusher.fromUrl('https://KEY:SECRET@api-eu.pusher.com/apps/APP_ID');
    expect(pusher.appId).toBe('APP_ID');
    expect(pusher.key).toBe('KEY');
    expect(pusher.baseUrl).toBe('https://api-eu.pusher.com:443/apps/APP_ID');
  });

  it('parses http with a custom port, and percent-encoded credentials', () => {
    const pusher = Pusher.fromUrl('http://k%40y:s%2Fcret@localhost:6001/apps/77', { timeout: 500 });
    expect(pusher.key).toBe('k@y');
    expect(pusher.baseUrl).toBe('http://localhost:6001/apps/77');
  });

  it('a port option overrides the URL port', () => {
    expect(Pusher.fromUrl('http://k:s@localhost:6001/apps/1', { port: 7000 }).baseUrl).toBe(
      'http://localhost:7000/apps/1',
    );
  });

  it.each([
    ['not a url'],
    ['ftp://k:s@host/apps/1'],
    ['https://host/apps/1'],
    ['https://k:s@host/apps/'],
    ['https://k:s@host/channels/1'],
  ])('rejects %s without echoing it', (url) => {
    let error: unknown;
    try {
      Pusher.fromUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).not.toContain(url);
  });

  it('reads PUSHER_URL or a named variable, without echoing its value', () => {
    vi.stubEnv('PUSHER_URL', 'https://key1:sec1@api-ap1.pusher.com/apps/11');
    vi.stubEnv('OTHER_URL', 'http://key2:sec2@localhost:6001/apps/22');
    expect(Pusher.fromEnv().appId).toBe('11');
    expect(Pusher.fromEnv('OTHER_URL').baseUrl).toBe('http://localhost:6001/apps/22');
    vi.stubEnv('BROKEN_URL', 'https://key3:sec3@host/nope');
    expect(() => Pusher.fromEnv('BROKEN_URL')).toThrow(ConfigurationError);
    try {
      Pusher.fromEnv('BROKEN_URL');
    } catch (error) {
      expect((error as ConfigurationError).option).toBe('BROKEN_URL');
      expect((error as Error).message).not.toContain('sec3');
    }
    expect(() => Pusher.fromEnv('MISSING_PUSHER_URL')).toThrow(/MISSING_PUSHER_URL is not set/);
  });
});
