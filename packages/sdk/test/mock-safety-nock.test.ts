/**
 * Mock-safety with the real nock (14): the SDK's requests reach nock as the official SDK's do
 * (whether the client was built before or after nock was installed), nock sees a correctly
 * signed request, `nock.disableNetConnect()` blocks with the SDK's typed error, unmatched
 * requests pass through to the real server when the network is allowed (also over TLS with
 * `ca`), and once nock is restored the SDK is back on its own socket transport.
 * nock installs itself on import, so it is active from the start of this file.
 */
import { inspect } from 'node:util';
import { selfSignedCert } from '@pushwire/test-support';
import nock from 'nock';
import OfficialPusher from 'pusher';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HTTPError, Pusher } from '../src/index';
import { clientFor, fakeApi, TEST_APP_ID } from './helpers/clients';
import { checkSignature, TEST_KEY, TEST_SECRET } from './helpers/fake-pusher-api';

const HOST = 'api.mock-safety.test';

/** What the mock saw of one request. */
interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function seenBy(req: { method?: string; path: string; headers: Seen['headers'] }, body: unknown) {
  const url = new URL(req.path, 'http://x');
  return {
    method: req.method ?? '',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  } satisfies Seen;
}

function signatureProblem(seen: Seen): string | undefined {
  return checkSignature(seen, TEST_KEY, TEST_SECRET, Date.now());
}

/** A client for the mocked host (retries off). */
function mockedClient(overrides: Record<string, unknown> = {}): Pusher {
  return clientFor({ host: HOST, port: 80 }, overrides);
}

/** Records every request to `origin` matching `method` and `path`, answering `reply`. */
function intercept(origin: string, method: 'get' | 'post', path: string, reply: object) {
  const seen: Seen[] = [];
  nock(origin)
    [method](path)
    .query(true)
    .reply(function (_uri, body) {
      seen.push(seenBy(this.req as never, body));
      return [200, reply];
    });
  return seen;
}

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  if (!nock.isActive()) nock.activate();
});

afterAll(() => nock.restore());

describe('nock intercepts the SDK', () => {
  it('sees a signed trigger with its body and headers, and answers it', async () => {
    const seen = intercept(`http://${HOST}`, 'post', `/apps/${TEST_APP_ID}/events`, {});
    const pusher = mockedClient();
    await expect(pusher.trigger('my-channel', 'my-event', { hello: 'world' })).resolves.toEqual({});
    expect(seen).toHaveLength(1);
    const [request] = seen as [Seen];
    expect(request.method).toBe('POST');
    expect(JSON.parse(request.body)).toEqual({
      name: 'my-event',
      data: '{"hello":"world"}',
      channels: ['my-channel'],
    });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-pusher-library']).toMatch(/^pushwire-sdk /);
    expect(signatureProblem(request)).toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });

  it('answers a channels GET with the mocked body', async () => {
    const seen = intercept(`http://${HOST}`, 'get', `/apps/${TEST_APP_ID}/channels`, {
      channels: { 'presence-room': { user_count: 3 } },
    });
    const pusher = mockedClient();
    await expect(pusher.channels({ prefix: 'presence-', info: ['user_count'] })).resolves.toEqual({
      channels: { 'presence-room': { user_count: 3 } },
    });
    const [request] = seen as [Seen];
    expect(request.method).toBe('GET');
    expect(request.query).toMatchObject({ filter_by_prefix: 'presence-', info: 'user_count' });
    expect(request.body).toBe('');
    expect(signatureProblem(request)).toBeUndefined();
  });

  it('intercepts the default https host, as for the official SDK', async () => {
    const origin = 'https://api-mt1.pusher.com';
    const seen = intercept(origin, 'post', `/apps/${TEST_APP_ID}/events`, {});
    // Our default is https to the mt1 cluster; the official SDK's is http to another host.
    const ours = new Pusher({ appId: TEST_APP_ID, key: TEST_KEY, secret: TEST_SECRET });
    const official = new OfficialPusher({
      appId: TEST_APP_ID,
      key: TEST_KEY,
      secret: TEST_SECRET,
      cluster: 'mt1',
      useTLS: true,
    });
    await ours.trigger('c', 'e', 'd');
    ours.close();
    intercept(origin, 'post', `/apps/${TEST_APP_ID}/events`, {});
    await official.trigger('c', 'e', 'd');
    expect(nock.isDone()).toBe(true);
    expect(signatureProblem(seen[0] as Seen)).toBeUndefined();
  });

  it('sees requests of a client built while nock was not installed', async () => {
    nock.restore();
    const pusher = mockedClient();
    nock.activate();
    const seen = intercept(`http://${HOST}`, 'post', `/apps/${TEST_APP_ID}/events`, {});
    await pusher.trigger('c', 'e', 'd');
    expect(seen).toHaveLength(1);
  });
});

describe('nock.disableNetConnect()', () => {
  it('blocks a request to a real server with an HTTPError, nothing reaches the server', async () => {
    const api = await fakeApi();
    nock.disableNetConnect();
    const pusher = clientFor(api, { retry: 1 });
    const error = await pusher.trigger('c', 'e', 'd').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).message).toMatch(/Nock|NETUNREACH|NOCK/i);
    // nock's own error names the URL with its signature: the SDK's error carries it redacted.
    expect(inspect(error, { depth: 6 })).not.toMatch(/[0-9a-f]{64}/);
    await expect(pusher.channels()).rejects.toBeInstanceOf(HTTPError);
    expect(api.requests).toHaveLength(0);
    expect(api.connectionCount()).toBe(0);
  });

  it('lets an allowed host through', async () => {
    const api = await fakeApi();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    await clientFor(api).trigger('c', 'e', 'd');
    expect(api.requests).toHaveLength(1);
  });
});

describe('requests nock does not match, with the network allowed', () => {
  let tls: { key: string; cert: string };
  beforeAll(() => {
    tls = selfSignedCert();
  });

  it('pass through to the real server, signed, through node:http', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api);
    await pusher.trigger('c', 'e', { n: 1 });
    await pusher.channels();
    expect(api.requests.map((request) => request.signatureProblem)).toEqual([undefined, undefined]);
    // node:http sends a Connection header; the SDK's own socket transport does not.
    expect(api.requests[0]?.headers.connection).toBeDefined();
  });

  it('pass through over TLS trusting the `ca` option', async () => {
    const api = await fakeApi({ tls });
    const pusher = clientFor(api, { useTLS: true, ca: tls.cert });
    await expect(pusher.trigger('c', 'e', 'd')).resolves.toEqual({});
    expect(api.requests[0]?.signatureProblem).toBeUndefined();
    const untrusting = clientFor(api, { useTLS: true });
    await expect(untrusting.channels()).rejects.toBeInstanceOf(HTTPError);
  });
});

describe('after nock.restore()', () => {
  it('the SDK is back on its own transport and nock sees nothing', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api);
    nock.restore();
    nock.disableNetConnect(); // no effect once restored
    await pusher.trigger('c', 'e', 'd');
    await pusher.trigger('c', 'e', 'd');
    expect(api.requests).toHaveLength(2);
    expect(api.requests.map((request) => request.headers.connection)).toEqual([
      undefined,
      undefined,
    ]);
    expect(api.connectionCount()).toBe(1);
  });
});
