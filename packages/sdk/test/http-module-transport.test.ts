/**
 * The node:http transport (what the SDK sends through while nock or msw is installed) keeps the
 * transports' contract against real servers: keep-alive reuse, one deadline for the exchange,
 * the body cap (announced or streamed), connect-phase failures, close(). Through the client,
 * with a pass-through Proxy on http.request standing in for an interceptor, failures surface as
 * the same typed errors as on the socket transport.
 */
import http from 'node:http';
import { freePort } from '@pushwire/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTPError, ResponseTooLargeError, TimeoutError } from '../src/index';
import { loadNodeHttpModules } from '../src/runtime/node-http';
import { createHttpModuleTransport } from '../src/transport/http-module-transport';
import { RESPONSE_TOO_LARGE_CODE, TransportFailure } from '../src/transport/types';
import { clientFor, fakeApi } from './helpers/clients';
import { rawServer } from './helpers/raw-http-server';

const modules = loadNodeHttpModules();
if (!modules) throw new Error('node:http is not available');

function transportTo(port: number, maxResponseBodyBytes?: number) {
  const transport = createHttpModuleTransport({
    endpoint: { scheme: 'http', host: '127.0.0.1', port },
    modules: modules as NonNullable<typeof modules>,
    maxResponseBodyBytes,
  });
  return transport;
}

const post = (timeoutMs = 5_000) =>
  ({
    method: 'POST',
    pathAndQuery: '/x?y=1',
    headers: { 'content-type': 'application/json' },
    body: '{"é":1}',
    timeoutMs,
  }) as const;

async function failureOf(promise: Promise<unknown>): Promise<TransportFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TransportFailure);
  return error as TransportFailure;
}

describe('createHttpModuleTransport', () => {
  it('sends the body with its byte length and reuses one connection', async () => {
    const api = await fakeApi({ enforceSignature: false });
    const transport = transportTo(api.port);
    for (let i = 0; i < 3; i++) {
      const response = await transport.send(post());
      expect(response).toMatchObject({ status: 200, body: '{}' });
      expect(response.headers['content-type']).toBe('application/json');
    }
    expect(api.requests[0]?.headers['content-length']).toBe('8');
    expect(api.requests[0]?.body).toBe('{"é":1}');
    expect(api.connectionCount()).toBe(1);
    transport.close();
  });

  it('close() closes idle connections; the transport stays usable', async () => {
    const api = await fakeApi({ enforceSignature: false });
    const transport = transportTo(api.port);
    await transport.send(post());
    transport.close();
    await transport.send(post());
    expect(api.connectionCount()).toBe(2);
    transport.close();
  });

  it('fails a request with no answer at its deadline', async () => {
    const api = await fakeApi({ enforceSignature: false });
    api.handler = () => ({ fault: 'hang' });
    const failure = await failureOf(transportTo(api.port).send(post(100)));
    expect(failure).toMatchObject({ timedOut: true, connectPhase: false });
  });

  it('refuses an announced body over the cap', async () => {
    const api = await fakeApi({ enforceSignature: false });
    api.handler = () => ({ status: 200, body: 'x'.repeat(100) });
    const failure = await failureOf(transportTo(api.port, 64).send(post()));
    expect(failure.code).toBe(RESPONSE_TOO_LARGE_CODE);
  });

  it('refuses a chunked body once it passes the cap', async () => {
    const server = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n');
      for (let i = 0; i < 10; i++) socket.write(`40\r\n${'b'.repeat(64)}\r\n`);
    });
    const failure = await failureOf(transportTo(server.port, 256).send(post()));
    expect(failure.code).toBe(RESPONSE_TOO_LARGE_CODE);
  });

  it('reports a refused connection as connect-phase', async () => {
    const failure = await failureOf(transportTo(await freePort()).send(post()));
    expect(failure).toMatchObject({ code: 'ECONNREFUSED', connectPhase: true, timedOut: false });
  });

  it('reports a connection closed mid-body', async () => {
    const api = await fakeApi({ enforceSignature: false });
    api.handler = () => ({ fault: 'stall-body' });
    const transport = transportTo(api.port);
    const pending = failureOf(transport.send(post()));
    while (api.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await api.close();
    expect((await pending).connectPhase).toBe(false);
  });
});

describe('the client while an interceptor is installed', () => {
  const original = http.request;
  afterEach(() => {
    http.request = original;
  });
  const intercept = () => {
    http.request = new Proxy(original, {});
  };

  it('signs and sends through node:http', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api);
    intercept();
    await pusher.trigger('c', 'e', 'd');
    await pusher.channels();
    expect(api.requests.map((request) => request.signatureProblem)).toEqual([undefined, undefined]);
    expect(api.requests[0]?.headers.connection).toBe('keep-alive');
  });

  it('names node:http in debug logs while it is used', async () => {
    const api = await fakeApi();
    const lines: string[] = [];
    const pusher = clientFor(api, { logger: { debug: (line: string) => lines.push(line) } });
    intercept();
    await pusher.trigger('c', 'e', 'd');
    http.request = original;
    await pusher.trigger('c', 'e', 'd');
    expect(lines.map((line) => /\(\d+ ms, ([\w-]+)\)$/.exec(line)?.[1])).toEqual([
      'node-http',
      'node',
    ]);
  });

  it('times out with a TimeoutError', async () => {
    const api = await fakeApi();
    api.handler = () => ({ fault: 'hang' });
    intercept();
    await expect(clientFor(api, { timeout: 100 }).channels()).rejects.toBeInstanceOf(TimeoutError);
  });

  it('refuses a body over maxResponseBodyBytes with a ResponseTooLargeError', async () => {
    const api = await fakeApi();
    api.handler = () => ({ status: 200, body: `"${'x'.repeat(2000)}"` });
    intercept();
    const pusher = clientFor(api, { maxResponseBodyBytes: 1024 });
    await expect(pusher.channels()).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('names the endpoint in a connection error and retries it', async () => {
    const port = await freePort();
    intercept();
    const pusher = clientFor({ host: '127.0.0.1', port }, { retry: { retries: 1, minDelayMs: 1 } });
    const error = await pusher.trigger('c', 'e', 'd').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).message).toContain(`http://127.0.0.1:${port}`);
    expect((error as HTTPError).message).toContain('after 2 attempts');
  });
});
