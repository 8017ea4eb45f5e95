/**
 * HTTPS and `httpProxy` through real servers: TLS with a private CA (`ca` option), an HTTP
 * target through a proxy (absolute form), an HTTPS target through a CONNECT tunnel (kept alive),
 * proxy credentials, and a proxy that refuses.
 */

import { selfSignedCert } from '@pushwire/test-support';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ConfigurationError, HTTPError } from '../src/index';
import { clientFor, fakeApi } from './helpers/clients';
import { startTestProxy } from './helpers/test-proxy';

let tls: { key: string; cert: string };
beforeAll(() => {
  tls = selfSignedCert();
});

async function proxy(requiredAuthorization?: string) {
  const started = await startTestProxy(requiredAuthorization);
  onTestFinished(() => started.close());
  return started;
}

describe('HTTPS', () => {
  it('talks TLS to a server whose certificate is trusted through `ca`', async () => {
    const api = await fakeApi({ tls });
    const pusher = clientFor(api, { useTLS: true, ca: tls.cert });
    await expect(pusher.trigger('c', 'e', 'd')).resolves.toEqual({});
    await pusher.channels();
    expect(api.requests.map((request) => request.signatureProblem)).toEqual([undefined, undefined]);
    expect(api.connectionCount()).toBe(1);
  });

  it('rejects an untrusted certificate with an HTTPError', async () => {
    const api = await fakeApi({ tls });
    const pusher = clientFor(api, { useTLS: true });
    await expect(pusher.channels()).rejects.toBeInstanceOf(HTTPError);
  });
});

describe('httpProxy', () => {
  it('sends http targets to the proxy in absolute form with the target Host', async () => {
    const api = await fakeApi();
    const px = await proxy();
    const pusher = clientFor(api, { httpProxy: `http://127.0.0.1:${px.port}` });
    await pusher.trigger('c', 'e', 'd');
    await pusher.channels({ prefix: 'presence-' });
    expect(px.seen[0]).toMatch(
      new RegExp(`^POST http://127\\.0\\.0\\.1:${api.port}/apps/4242/events\\?auth_key=`),
    );
    expect(px.seen[1]).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/apps\/4242\/channels\?/);
    expect(api.requests[0]?.headers.host).toBe(`127.0.0.1:${api.port}`);
    expect(api.requests.map((request) => request.signatureProblem)).toEqual([undefined, undefined]);
  });

  it('tunnels https targets with CONNECT and keeps the tunnel alive', async () => {
    const api = await fakeApi({ tls });
    const px = await proxy();
    const pusher = clientFor(api, {
      useTLS: true,
      ca: tls.cert,
      httpProxy: `http://127.0.0.1:${px.port}`,
    });
    for (let i = 0; i < 3; i++) await pusher.trigger('c', 'e', i);
    expect(px.seen).toEqual([`CONNECT 127.0.0.1:${api.port}`]);
    expect(api.requests).toHaveLength(3);
    expect(api.requests.every((request) => request.signatureProblem === undefined)).toBe(true);
    expect(px.connectionCount()).toBe(1);
  });

  it('sends Basic credentials from the proxy URL', async () => {
    const api = await fakeApi({ tls });
    const expected = `Basic ${Buffer.from('user:p@ss').toString('base64')}`;
    const px = await proxy(expected);
    const pusher = clientFor(api, {
      useTLS: true,
      ca: tls.cert,
      httpProxy: `http://user:p%40ss@127.0.0.1:${px.port}`,
    });
    await pusher.channels();
    expect(px.authorizations).toEqual([expected]);
    const plain = await fakeApi();
    const plainPusher = clientFor(plain, { httpProxy: `http://user:p%40ss@127.0.0.1:${px.port}` });
    await plainPusher.channels();
    expect(px.authorizations[1]).toBe(expected);
  });

  it('a proxy that refuses the tunnel gives an HTTPError', async () => {
    const api = await fakeApi({ tls });
    const px = await proxy('Basic nope');
    const pusher = clientFor(api, {
      useTLS: true,
      ca: tls.cert,
      httpProxy: `http://127.0.0.1:${px.port}`,
    });
    const error = await pusher.channels().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).code).toBe('ERR_PROXY_CONNECT');
  });

  it('rejects bad proxy URLs and a proxy combined with a custom fetch', () => {
    const base = { appId: '1', key: 'k', secret: 's' };
    expect(() => clientFor({ host: 'h', port: 1 }, { ...base, httpProxy: 'socks5://x:1' })).toThrow(
      ConfigurationError,
    );
    expect(() => clientFor({ host: 'h', port: 1 }, { ...base, httpProxy: 'not a url' })).toThrow(
      /httpProxy/,
    );
    expect(() =>
      clientFor({ host: 'h', port: 1 }, { httpProxy: 'http://p:1', fetch: globalThis.fetch }),
    ).toThrow(ConfigurationError);
  });
});
