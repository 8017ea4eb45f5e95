/**
 * @module test/config
 * Credential resolution order of the SDK commands: --url > flags > env > the local dev default.
 */
import { describe, expect, it } from 'vitest';
import { describeEndpoint, parsePusherUrl, resolveCredentials } from '../src/config';
import { UsageError } from '../src/usage-error';

describe('resolveCredentials', () => {
  it('defaults to the local development server of `pushwire serve`', () => {
    const credentials = resolveCredentials({}, {}, 'trigger');
    expect(credentials).toEqual({
      appId: 'app-id',
      key: 'app-key',
      secret: 'app-secret',
      endpoint: { kind: 'host', host: '127.0.0.1', port: 6001, useTLS: false },
    });
  });

  it('reads PUSHER_URL, then lets individual env vars override its fields', () => {
    const credentials = resolveCredentials(
      {},
      { PUSHER_URL: 'https://k1:s%2F1@api-eu.pusher.com/apps/42', PUSHER_KEY: 'k2' },
      'trigger',
    );
    expect(credentials).toMatchObject({ appId: '42', key: 'k2', secret: 's/1' });
    expect(credentials.endpoint).toEqual({ kind: 'host', host: 'api-eu.pusher.com', useTLS: true });
  });

  it('lets flags override env, and --url override flags', () => {
    const env = { PUSHER_APP_ID: 'env-id', PUSHER_SECRET: 'env-secret', PUSHER_HOST: 'env.host' };
    const flags = { 'app-id': 'flag-id', host: 'flag.host', port: '7000', 'no-tls': true };
    expect(resolveCredentials(flags, env, 'trigger')).toEqual({
      appId: 'flag-id',
      key: 'app-key',
      secret: 'env-secret',
      endpoint: { kind: 'host', host: 'flag.host', port: 7000, useTLS: false },
    });
    const withUrl = resolveCredentials(
      { ...flags, url: 'http://uk:us@url.host:8000/apps/url-id' },
      env,
      'trigger',
    );
    expect(withUrl).toEqual({
      appId: 'url-id',
      key: 'uk',
      secret: 'us',
      endpoint: { kind: 'host', host: 'url.host', port: 8000, useTLS: false },
    });
  });

  it('switches to a cluster (TLS on) and back to a host', () => {
    const cluster = resolveCredentials({ cluster: 'eu' }, {}, 'channels');
    expect(cluster.endpoint).toEqual({ kind: 'cluster', cluster: 'eu', useTLS: true });
    expect(describeEndpoint(cluster)).toBe('https://api-eu.pusher.com/apps/app-id');
    const host = resolveCredentials({ host: 'example.test' }, { PUSHER_CLUSTER: 'eu' }, 'x');
    expect(host.endpoint).toEqual({ kind: 'host', host: 'example.test', useTLS: true });
  });

  it('takes a loopback host as a local pushwire serve: plain HTTP on 6001, never HTTPS on 443', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.1.1']) {
      expect(resolveCredentials({ host }, {}, 'x').endpoint).toEqual({
        kind: 'host',
        host,
        port: 6001,
        useTLS: false,
      });
    }
    expect(resolveCredentials({}, { PUSHER_HOST: '127.0.0.1' }, 'x').endpoint).toEqual({
      kind: 'host',
      host: '127.0.0.1',
      port: 6001,
      useTLS: false,
    });
    // Asked for explicitly, TLS still applies (its port is then the SDK's default, 443).
    expect(resolveCredentials({ host: 'localhost', tls: true }, {}, 'x').endpoint).toEqual({
      kind: 'host',
      host: 'localhost',
      useTLS: true,
    });
  });

  it('reads the variable names Laravel apps have (PUSHER_APP_KEY, PUSHER_APP_SECRET, PUSHER_SCHEME)', () => {
    const env = {
      PUSHER_APP_ID: 'laravel-id',
      PUSHER_APP_KEY: 'laravel-key',
      PUSHER_APP_SECRET: 'laravel-secret',
      PUSHER_HOST: 'realtime.example.test',
      PUSHER_PORT: '6001',
      PUSHER_SCHEME: 'http',
    };
    expect(resolveCredentials({}, env, 'trigger')).toEqual({
      appId: 'laravel-id',
      key: 'laravel-key',
      secret: 'laravel-secret',
      endpoint: { kind: 'host', host: 'realtime.example.test', port: 6001, useTLS: false },
    });
    // The official SDKs' names win where both are set.
    expect(resolveCredentials({}, { ...env, PUSHER_KEY: 'sdk-key' }, 'trigger').key).toBe(
      'sdk-key',
    );
    expect(() => resolveCredentials({}, { PUSHER_SCHEME: 'ftp' }, 'trigger')).toThrow(UsageError);
  });

  it('keeps the default host when only the port or TLS is given', () => {
    expect(resolveCredentials({ port: '6002' }, {}, 'x').endpoint).toEqual({
      kind: 'host',
      host: '127.0.0.1',
      port: 6002,
      useTLS: false,
    });
  });

  it('rejects malformed values with a usage error that never repeats the secret', () => {
    const bad = [
      () => parsePusherUrl('http://key:supersecret@host/nope', '--url', 'trigger'),
      () => parsePusherUrl('ftp://key:supersecret@host/apps/1', '--url', 'trigger'),
      () => parsePusherUrl('not a url supersecret', 'PUSHER_URL', 'trigger'),
      () => resolveCredentials({ port: '70000' }, {}, 'trigger'),
      () => resolveCredentials({ tls: true, 'no-tls': true }, {}, 'trigger'),
      () => resolveCredentials({ timeout: 'soon' }, {}, 'trigger'),
    ];
    for (const attempt of bad) {
      const error = captureError(attempt);
      expect(error).toBeInstanceOf(UsageError);
      expect(String(error)).not.toContain('supersecret');
    }
  });
});

function captureError(attempt: () => unknown): unknown {
  try {
    attempt();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
