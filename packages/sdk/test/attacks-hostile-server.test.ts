/**
 * Attack 8.11: the SDK against a hostile API server. A chunked body cut into 1-byte chunks must
 * not build a string per byte (a 14 MB body once added 521 MB to the SDK's process): response
 * memory stays within about twice the body cap whatever the chunking, a body over the cap (counted
 * in bytes, not UTF-16 characters) is refused with a ResponseTooLargeError as soon as the cap is
 * passed, and multi-byte UTF-8 split across chunks decodes exactly. Both transports: the Node
 * keep-alive transport (the default on Node) and the fetch transport (an injected or global fetch).
 */
import { describe, expect, it } from 'vitest';
import { HTTPError, type Pusher, type PusherOptions, ResponseTooLargeError } from '../src/index';
import { clientFor } from './helpers/clients';
import { type HostileBodySpec, hostileServer } from './helpers/hostile-server';

const MiB = 1024 * 1024;
const DEFAULT_CAP = 16 * MiB;

/** A JSON body `{"x":"<text repeated times>"}` of `{"x":"` + payload + `"}`. */
function jsonBody(text: string, times: number, chunkBytes: number): HostileBodySpec {
  return {
    parts: [
      { text: '{"x":"', times: 1 },
      { text, times },
      { text: '"}', times: 1 },
    ],
    chunkBytes,
  };
}

const transports: readonly [string, Partial<PusherOptions>][] = [
  ['the Node transport', {}],
  ['the fetch transport', { fetch: globalThis.fetch }],
];

async function clientTo(spec: HostileBodySpec, options: Partial<PusherOptions>): Promise<Pusher> {
  const server = await hostileServer(spec);
  return clientFor(server, { timeout: 30_000, ...options });
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Runs `action`; returns its result and how far RSS rose above its starting value (sampled peak). */
async function rssGrowthDuring<T>(
  action: () => Promise<T>,
): Promise<{ result: T; growthBytes: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const sampler = setInterval(sample, 2);
  try {
    const result = await action();
    sample();
    return { result, growthBytes: peak - before };
  } finally {
    clearInterval(sampler);
  }
}

describe('a chunked body in 1-byte chunks (Node transport, default cap)', () => {
  it('costs at most about twice the cap, and is read whole', async () => {
    const bodyBytes = 8 * MiB;
    const pusher = await clientTo(jsonBody('a', bodyBytes - 8, 1), {});
    // Warm up (code paths, JIT) on a first request so the measured one sees only its own cost.
    await pusher.get('/warm-up');
    const { result, growthBytes } = await rssGrowthDuring(() => pusher.get<{ x: string }>('/x'));
    expect(result.x.length).toBe(bodyBytes - 8);
    // Measured about 48 MiB (body bytes, its string, the parsed JSON, socket buffers not yet
    // collected). Old code: a cons string per byte, 276 MiB. Bound: 3x the cap plus slack.
    expect(growthBytes).toBeLessThan(3 * DEFAULT_CAP + 48 * MiB);
  }, 60_000);
});

describe.each(transports)('%s', (_name, options) => {
  it('refuses a 1-byte-chunked body over the cap with ResponseTooLargeError', async () => {
    const cap = 128 * 1024;
    const pusher = await clientTo(jsonBody('b', 4 * cap, 1), {
      ...options,
      maxResponseBodyBytes: cap,
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 }, // a GET, yet not retried
    });
    const error = await errorOf(pusher.get('/x'));
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toBeInstanceOf(HTTPError);
    const tooLarge = error as ResponseTooLargeError;
    expect(tooLarge.code).toBe('ERR_RESPONSE_TOO_LARGE');
    expect(tooLarge.limitBytes).toBe(cap);
    expect(tooLarge.attempts).toBe(1);
    expect(tooLarge.message).toContain(`over ${cap} bytes`);
    expect(tooLarge.message).toContain('maxResponseBodyBytes');
  }, 30_000);

  it('counts the cap in bytes, not UTF-16 characters', async () => {
    // 600 'é' are 600 characters but 1,200 bytes: over a 1,000-byte cap.
    const pusher = await clientTo(jsonBody('é', 600, 7), {
      ...options,
      maxResponseBodyBytes: 1000,
    });
    expect(await errorOf(pusher.get('/x'))).toBeInstanceOf(ResponseTooLargeError);
    // 400 'é' (808 bytes with the JSON around them) fit.
    const fits = await clientTo(jsonBody('é', 400, 7), { ...options, maxResponseBodyBytes: 1000 });
    await expect(fits.get<{ x: string }>('/x')).resolves.toEqual({ x: 'é'.repeat(400) });
  }, 30_000);

  it('decodes multi-byte UTF-8 split across 1-byte chunks exactly', async () => {
    const text = 'é€😀中\u{10FFFF}a';
    const pusher = await clientTo(jsonBody(text, 50, 1), options);
    await expect(pusher.get<{ x: string }>('/x')).resolves.toEqual({ x: text.repeat(50) });
  }, 30_000);
});
