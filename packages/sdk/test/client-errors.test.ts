/**
 * HTTP statuses map to typed errors; transport failures and timeouts (a server that never
 * answers, one that stalls the body) are HTTPError / TimeoutError; no error ever carries the
 * secret or the signature.
 */
import { inspect } from 'node:util';
import { freePort } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ForbiddenError,
  HTTPError,
  NoResponseError,
  NotFoundError,
  PayloadTooLargeError,
  PusherError,
  RateLimitError,
  RequestError,
  ServerError,
  TimeoutError,
} from '../src/index';
import { clientFor, fakeApi, TEST_APP_ID } from './helpers/clients';
import { TEST_SECRET } from './helpers/fake-pusher-api';

const cases = [
  [400, BadRequestError],
  [401, AuthenticationError],
  [403, ForbiddenError],
  [404, NotFoundError],
  [413, PayloadTooLargeError],
  [429, RateLimitError],
  [500, ServerError],
  [502, ServerError],
  [503, ServerError],
  [418, RequestError],
  [302, RequestError],
] as const;

/** Everything an error shows anywhere. */
function everythingShown(error: unknown): string {
  const err = error as Error;
  return [
    err.message,
    err.stack,
    JSON.stringify(err),
    JSON.stringify(Object.assign({}, err)),
    inspect(err, { depth: 10, showHidden: true }),
    String(err),
  ].join('\n');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('error statuses', () => {
  it.each(cases)('%i maps to %o with status, body and headers', async (status, ErrorClass) => {
    const api = await fakeApi();
    api.handler = () => ({
      status,
      body: `problem ${status}`,
      headers: { 'x-extra': 'yes', 'retry-after': '7' },
    });
    const pusher = clientFor(api);
    const error = await rejection(pusher.trigger('c', 'e', 'd'));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toBeInstanceOf(PusherError);
    const requestError = error as RequestError;
    expect(requestError.status).toBe(status);
    expect(requestError.body).toBe(`problem ${status}`);
    expect(requestError.headers['x-extra']).toBe('yes');
    expect(requestError.method).toBe('POST');
    expect(requestError.path).toBe(`/apps/${TEST_APP_ID}/events`);
    expect(requestError.message).toContain(`POST /apps/${TEST_APP_ID}/events`);
    expect(requestError.message).toContain(String(status));
    expect(requestError.name).toBe(ErrorClass.name);
    if (error instanceof RateLimitError) expect(error.retryAfterMs).toBe(7000);
    expect(everythingShown(error)).not.toContain(TEST_SECRET);
    expect(everythingShown(error)).not.toMatch(/auth_signature=[0-9a-f]/);
  });

  it('a 401 from a wrong secret is an AuthenticationError (the real signature check)', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api, { secret: 'another-secret' });
    const error = await rejection(pusher.channels());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(everythingShown(error)).not.toContain('another-secret');
  });

  it('an echoed signed query in the body is redacted', async () => {
    const api = await fakeApi();
    api.handler = (request) => ({
      status: 400,
      body: `bad: auth_key=${request.query['auth_key']}&auth_signature=${request.query['auth_signature']}`,
    });
    const pusher = clientFor(api);
    const error = (await rejection(pusher.trigger('c', 'e', 'd'))) as RequestError;
    const signature = api.requests[0]?.query['auth_signature'] ?? 'missing';
    expect(everythingShown(error)).not.toContain(signature);
    expect(error.body).toContain('auth_signature=[redacted]');
  });

  it('a non-JSON 200 body is a RequestError', async () => {
    const api = await fakeApi();
    api.handler = () => ({ status: 200, body: 'OK' });
    const error = await rejection(clientFor(api).channels());
    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).message).toContain('not JSON');
  });
});

describe('error names', () => {
  it("HTTPError (the gem's name) is NoResponseError: one class, named for what it means", () => {
    expect(HTTPError).toBe(NoResponseError);
    const error = new HTTPError('no answer', { method: 'POST', path: '/apps/1/events' });
    expect(error).toBeInstanceOf(NoResponseError);
    expect(error.name).toBe('NoResponseError');
  });
});

describe('transport failures', () => {
  it('connection refused is an HTTPError with the code and a cause', async () => {
    const port = await freePort();
    const pusher = clientFor({ host: '127.0.0.1', port });
    const error = await rejection(pusher.trigger('c', 'e', 'd'));
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    const httpError = error as HTTPError;
    expect(httpError.code).toBe('ECONNREFUSED');
    expect(httpError.connectPhase).toBe(true);
    expect(httpError.cause).toBeInstanceOf(Error);
    expect(httpError.message).toBe(
      `POST http://127.0.0.1:${port}/apps/${TEST_APP_ID}/events failed: request failed (ECONNREFUSED)`,
    );
    expect(everythingShown(error)).not.toContain(TEST_SECRET);
    expect(everythingShown(error)).not.toContain('auth_signature');
  });

  it('a server that never answers times out with a TimeoutError', async () => {
    const api = await fakeApi();
    api.handler = () => ({ fault: 'hang' });
    const pusher = clientFor(api, { timeout: 150 });
    const error = await rejection(pusher.trigger('c', 'e', 'd'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as TimeoutError).timeoutMs).toBe(150);
    expect((error as TimeoutError).message).toContain('timed out');
    expect(everythingShown(error)).not.toContain(TEST_SECRET);
  });

  it('headers then a stalled body still times out (the timeout covers the body read)', async () => {
    const api = await fakeApi();
    api.handler = () => ({ fault: 'stall-body' });
    const pusher = clientFor(api, { timeout: 150 });
    await expect(pusher.channels()).rejects.toBeInstanceOf(TimeoutError);
  });

  it('the connection closed without an answer is an HTTPError', async () => {
    const api = await fakeApi();
    api.handler = () => ({ fault: 'destroy' });
    const error = await rejection(clientFor(api).trigger('c', 'e', 'd'));
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).connectPhase).toBe(false);
  });
});

describe('the fetch transport (injected fetch)', () => {
  it('sends the same signed requests and maps statuses', async () => {
    const api = await fakeApi();
    api.handler = (request) =>
      request.method === 'GET' ? { status: 404, body: 'nope' } : { status: 200, body: '{}' };
    const pusher = clientFor(api, { fetch: globalThis.fetch });
    await pusher.trigger('c', 'e', { x: 1 });
    expect(api.requests[0]?.signatureProblem).toBeUndefined();
    expect(api.requests[0]?.headers['x-pusher-library']).toContain('pushwire-sdk');
    await expect(pusher.channelInfo('c')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('times out on a stalled body and on a hang', async () => {
    const api = await fakeApi();
    api.handler = (_request, index) => (index === 0 ? { fault: 'stall-body' } : { fault: 'hang' });
    const pusher = clientFor(api, { fetch: globalThis.fetch, timeout: 150 });
    await expect(pusher.channels()).rejects.toBeInstanceOf(TimeoutError);
    await expect(pusher.channels()).rejects.toBeInstanceOf(TimeoutError);
  });

  it('connection refused is an HTTPError in the connect phase', async () => {
    const port = await freePort();
    const pusher = clientFor({ host: '127.0.0.1', port }, { fetch: globalThis.fetch });
    const error = (await rejection(pusher.channels())) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.connectPhase).toBe(true);
  });

  it('a fetch whose error message holds the signed URL is redacted', async () => {
    const leakyFetch = async (url: string): Promise<never> => {
      throw new Error(`could not reach ${url}`);
    };
    const pusher = clientFor({ host: '127.0.0.1', port: 1 }, { fetch: leakyFetch });
    const error = await rejection(pusher.trigger('c', 'e', 'd'));
    expect(error).toBeInstanceOf(HTTPError);
    expect(everythingShown(error)).not.toMatch(/auth_signature=[0-9a-f]/);
  });
});
