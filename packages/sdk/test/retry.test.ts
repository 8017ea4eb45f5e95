/**
 * The retry policy: a table test of the pure functions, then real retries against the fake API
 * (connection refused then success, 503 with Retry-After, POST not retried on 500).
 */
import { createServer } from 'node:http';
import { freePort } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HTTPError, RateLimitError, ServerError } from '../src/index';
import { resolveRetryOptions } from '../src/options';
import { type AttemptOutcome, retryDelayMs, shouldRetry } from '../src/transport/retry';
import { clientFor, fakeApi } from './helpers/clients';

const options = resolveRetryOptions({
  retries: 2,
  minDelayMs: 100,
  maxDelayMs: 1000,
  maxRetryAfterMs: 5000,
});
const refused: AttemptOutcome = { kind: 'network', connectPhase: true, timedOut: false };
const connectTimeout: AttemptOutcome = { kind: 'network', connectPhase: true, timedOut: true };
const reset: AttemptOutcome = { kind: 'network', connectPhase: false, timedOut: false };
const readTimeout: AttemptOutcome = { kind: 'network', connectPhase: false, timedOut: true };
const status = (code: number): AttemptOutcome => ({ kind: 'status', status: code });

describe('shouldRetry', () => {
  it.each([
    ['POST', refused, 0, true],
    ['POST', connectTimeout, 0, true],
    ['POST', reset, 0, false],
    ['POST', readTimeout, 0, false],
    ['POST', status(429), 0, true],
    ['POST', status(503), 0, true],
    ['POST', status(500), 0, false],
    ['POST', status(502), 0, false],
    ['POST', status(400), 0, false],
    ['POST', status(413), 0, false],
    ['GET', refused, 0, true],
    ['GET', reset, 0, true],
    ['GET', readTimeout, 0, true],
    ['GET', status(500), 0, true],
    ['GET', status(502), 0, true],
    ['GET', status(504), 0, true],
    ['GET', status(408), 0, true],
    ['GET', status(404), 0, false],
    ['GET', status(401), 0, false],
    ['GET', status(503), 1, true],
    ['GET', status(503), 2, false],
    ['POST', refused, 2, false],
  ] as const)('%s after %o (attempt %i) -> %s', (method, outcome, attempt, expected) => {
    expect(shouldRetry({ method, attempt, options, outcome })).toBe(expected);
  });

  it('never retries with retries: 0', () => {
    const none = resolveRetryOptions(false);
    expect(shouldRetry({ method: 'GET', attempt: 0, options: none, outcome: refused })).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it.each([
    // attempt, Retry-After, random, expected
    [0, undefined, 0, 50],
    [0, undefined, 1, 100],
    [1, undefined, 1, 200],
    [3, undefined, 1, 800],
    [5, undefined, 1, 1000],
    [5, undefined, 0, 500],
    [0, '2', 0.5, 2000],
    [0, '0', 0.5, 0],
    [0, '3600', 0.5, 5000],
    [0, 'not a date', 1, 100],
  ] as const)(
    'attempt %i, Retry-After %s, random %d -> %i ms',
    (attempt, retryAfter, random, expected) => {
      expect(retryDelayMs({ attempt, options, retryAfter, nowMs: 0, random: () => random })).toBe(
        expected,
      );
    },
  );

  it('accepts an HTTP date in Retry-After', () => {
    const nowMs = Date.parse('2026-01-01T00:00:00Z');
    expect(
      retryDelayMs({ attempt: 0, options, retryAfter: 'Thu, 01 Jan 2026 00:00:03 GMT', nowMs }),
    ).toBe(3000);
  });
});

describe('retries against a real server', () => {
  it('connection refused, then the server comes up: the POST succeeds', async () => {
    const port = await freePort();
    let serverStarting: Promise<void> | undefined;
    const warnings: string[] = [];
    const pusher = clientFor(
      { host: '127.0.0.1', port },
      {
        retry: { retries: 6, minDelayMs: 20, maxDelayMs: 100 },
        logger: {
          warn: (message) => {
            warnings.push(message);
            serverStarting ??= startOn(port);
          },
        },
      },
    );
    const startOn = async (p: number) => {
      const server = createServer((_req, res) => res.end('{}'));
      onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
      await new Promise<void>((resolve) => server.listen(p, '127.0.0.1', resolve));
    };
    await expect(pusher.trigger('c', 'e', 'd')).resolves.toEqual({});
    await serverStarting;
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings[0]).toContain('ECONNREFUSED');
    expect(warnings.join('\n')).not.toContain('auth_signature');
  });

  it('gives up after the configured retries with an HTTPError counting attempts', async () => {
    const port = await freePort();
    const pusher = clientFor(
      { host: '127.0.0.1', port },
      { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } },
    );
    const error = await pusher.trigger('c', 'e', 'd').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).attempts).toBe(3);
  });

  it('503 with Retry-After is retried after the hinted delay, then succeeds', async () => {
    const api = await fakeApi();
    api.handler = (_request, index) =>
      index === 0
        ? { status: 503, body: 'busy', headers: { 'retry-after': '0' } }
        : { status: 200, body: '{}' };
    const pusher = clientFor(api, { retry: 2 });
    await expect(pusher.trigger('c', 'e', 'd')).resolves.toEqual({});
    expect(api.requests).toHaveLength(2);
    expect(api.requests[0]?.body).toBe(api.requests[1]?.body);
  });

  it('a trigger answered 503 + Retry-After: 1 (server cannot reach the cluster) is delivered on the retry, a second later', async () => {
    const api = await fakeApi();
    let firstAt = 0;
    let retriedAt = 0;
    api.handler = (_request, index) => {
      if (index === 0) {
        firstAt = Date.now();
        return { status: 503, body: 'cluster unavailable', headers: { 'retry-after': '1' } };
      }
      retriedAt = Date.now();
      return { status: 200, body: '{}' };
    };
    const pusher = clientFor(api, { retry: 2 });
    await expect(pusher.trigger('c', 'e', { n: 1 })).resolves.toEqual({});
    expect(api.requests).toHaveLength(2);
    expect(api.requests[1]?.body).toBe(api.requests[0]?.body);
    expect(api.requests[1]?.signatureProblem).toBeUndefined();
    expect(retriedAt - firstAt).toBeGreaterThanOrEqual(900);
  });

  it('429 with a long Retry-After is capped by maxRetryAfterMs', async () => {
    const api = await fakeApi();
    api.handler = () => ({ status: 429, body: 'slow down', headers: { 'retry-after': '3600' } });
    const pusher = clientFor(api, { retry: { retries: 1, maxRetryAfterMs: 10 } });
    const error = await pusher.channels().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3_600_000);
    expect(api.requests).toHaveLength(2);
  });

  it('a POST is not retried on 500; a GET is', async () => {
    const api = await fakeApi();
    api.handler = () => ({ status: 500, body: 'oops' });
    const pusher = clientFor(api, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
    await expect(pusher.trigger('c', 'e', 'd')).rejects.toBeInstanceOf(ServerError);
    expect(api.requests).toHaveLength(1);
    await expect(pusher.channels()).rejects.toBeInstanceOf(ServerError);
    expect(api.requests).toHaveLength(4);
  });

  it('a POST is not retried when the connection drops after sending', async () => {
    const api = await fakeApi();
    api.handler = () => ({ fault: 'destroy' });
    const pusher = clientFor(api, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
    await expect(pusher.trigger('c', 'e', 'd')).rejects.toBeInstanceOf(HTTPError);
    expect(api.requests).toHaveLength(1);
  });

  it('each retry is signed afresh (valid signatures on every attempt)', async () => {
    const api = await fakeApi();
    api.handler = (_request, index) =>
      index < 2 ? { status: 502, body: '' } : { status: 200, body: '{"channels":{}}' };
    const pusher = clientFor(api, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
    await expect(pusher.channels()).resolves.toEqual({ channels: {} });
    expect(api.requests.map((request) => request.signatureProblem)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
