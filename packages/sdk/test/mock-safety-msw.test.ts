/**
 * Mock-safety with the real msw (2, `setupServer` from msw/node): handlers see the SDK's
 * requests (signed, with body and headers) and answer them, including for a client built before
 * the server started listening; `onUnhandledRequest: 'error'` blocks an unhandled request with
 * the SDK's typed error before it reaches the network; after `server.close()` the SDK is back
 * on its own socket transport.
 */
import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTPError, Pusher } from '../src/index';
import { clientFor, fakeApi, TEST_APP_ID } from './helpers/clients';
import { checkSignature, TEST_KEY, TEST_SECRET } from './helpers/fake-pusher-api';

const ORIGIN = 'http://api.mock-safety.test';

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

async function record(request: Request): Promise<Seen> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body: await request.text(),
  };
}

const seen: Seen[] = [];
const server = setupServer(
  http.post(`${ORIGIN}/apps/:appId/events`, async ({ request }) => {
    seen.push(await record(request));
    return HttpResponse.json({});
  }),
  http.get(`${ORIGIN}/apps/:appId/channels`, async ({ request }) => {
    seen.push(await record(request));
    return HttpResponse.json({ channels: { 'presence-room': { user_count: 2 } } });
  }),
  http.post('https://api-mt1.pusher.com/apps/:appId/events', async ({ request }) => {
    seen.push(await record(request));
    return HttpResponse.json({});
  }),
);

afterEach(() => {
  server.close();
  seen.length = 0;
});

function mockedClient(): Pusher {
  return clientFor({ host: new URL(ORIGIN).hostname, port: 80 });
}

describe('msw handlers see the SDK', () => {
  it('a signed trigger, with its body and headers', async () => {
    server.listen({ onUnhandledRequest: 'error' });
    await expect(mockedClient().trigger('my-channel', 'my-event', [1, 2])).resolves.toEqual({});
    expect(seen).toHaveLength(1);
    const [request] = seen as [Seen];
    expect(request.method).toBe('POST');
    expect(JSON.parse(request.body)).toEqual({
      name: 'my-event',
      data: '[1,2]',
      channels: ['my-channel'],
    });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-pusher-library']).toMatch(/^pushwire-sdk /);
    expect(checkSignature(request, TEST_KEY, TEST_SECRET, Date.now())).toBeUndefined();
  });

  it('a channels GET, answered by the handler', async () => {
    server.listen({ onUnhandledRequest: 'error' });
    await expect(mockedClient().channels({ prefix: 'presence-' })).resolves.toEqual({
      channels: { 'presence-room': { user_count: 2 } },
    });
    const [request] = seen as [Seen];
    expect(request.query['filter_by_prefix']).toBe('presence-');
    expect(checkSignature(request, TEST_KEY, TEST_SECRET, Date.now())).toBeUndefined();
  });

  it('the default https host, from a client built before listen()', async () => {
    const pusher = new Pusher({ appId: TEST_APP_ID, key: TEST_KEY, secret: TEST_SECRET });
    server.listen({ onUnhandledRequest: 'error' });
    await pusher.trigger('c', 'e', 'd');
    pusher.close();
    expect(seen.map((request) => request.path)).toEqual([`/apps/${TEST_APP_ID}/events`]);
  });
});

describe("onUnhandledRequest: 'error'", () => {
  it('blocks a request to a real server with an HTTPError; the server sees nothing', async () => {
    const api = await fakeApi();
    server.listen({ onUnhandledRequest: 'error' });
    const pusher = clientFor(api, { retry: 1 });
    const error = await pusher.trigger('c', 'e', 'd').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HTTPError);
    expect(inspect(error, { depth: 6 })).not.toMatch(/[0-9a-f]{64}/);
    await expect(pusher.channels()).rejects.toBeInstanceOf(HTTPError);
    expect(api.requests).toHaveLength(0);
    expect(api.connectionCount()).toBe(0);
  });

  it("'bypass' lets it through to the real server, signed", async () => {
    const api = await fakeApi();
    server.listen({ onUnhandledRequest: 'bypass' });
    await clientFor(api).trigger('c', 'e', 'd');
    expect(api.requests.map((request) => request.signatureProblem)).toEqual([undefined]);
  });
});

describe('after server.close()', () => {
  it('the SDK is back on its own transport', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api);
    server.listen({ onUnhandledRequest: 'error' });
    await expect(pusher.trigger('c', 'e', 'd')).rejects.toBeInstanceOf(HTTPError);
    server.close();
    await pusher.trigger('c', 'e', 'd');
    await pusher.trigger('c', 'e', 'd');
    expect(seen).toHaveLength(0);
    // The SDK's own socket transport sends no Connection header, and reuses its connection.
    expect(api.requests.map((request) => request.headers.connection)).toEqual([
      undefined,
      undefined,
    ]);
    expect(api.connectionCount()).toBe(1);
  });
});
