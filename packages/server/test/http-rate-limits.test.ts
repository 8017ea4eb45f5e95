/**
 * @module test/http-rate-limits
 * The per-app REST rate limits (`apiEventsPerSecond`, `apiReadsPerSecond`) against a real server,
 * driven by the official `pusher` package and `@pushwire/sdk`: 429 with `Retry-After` over the
 * limit (nothing published), the SDK's retry delivering after the window, reads and publishes
 * counted apart, apps apart, the refusal metric; and the reservation logic of RestRateLimiter
 * (two nodes' limiters on one shared window) on a fake clock.
 */
import { Pusher, RateLimitError } from '@pushwire/sdk';
import { describe, expect, it } from 'vitest';
import { LocalAdapter } from '../src/adapters/local/local-adapter';
import { RestRateLimiter, reservationBatch } from '../src/http/rest-rate-limiter';
import {
  type AppOptions,
  PUSHER_DEFAULT_LIMITS,
  RELAXED_LIMITS,
  resolveServerOptions,
  ServerConfigError,
} from '../src/index';
import { RecordingHandlers } from './adapters-contract';
import {
  REST_APP,
  type RestServer,
  rejectionOf,
  signedRequest,
  startRestServer,
} from './http-helpers';
import { connect } from './ws-helpers';

const LIMITED: AppOptions = Object.freeze({
  ...REST_APP,
  limits: { apiEventsPerSecond: 5, apiReadsPerSecond: 2 },
});
const OTHER: AppOptions = Object.freeze({
  id: '4343',
  key: 'other-key',
  secret: 'other-secret-value-0123',
  limits: { apiEventsPerSecond: 5, apiReadsPerSecond: 2 },
});

/**
 * Waits for the next one-second window (plus a margin) and returns when it ends: the server's
 * windows are whole seconds of this process's clock, so what a test sends right after falls into
 * one window.
 */
async function nextWindow(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 15));
  return Math.floor(Date.now() / 1000) * 1000 + 1000;
}

/** Fails clearly when a machine was so slow that a scenario spilled into the next window. */
function expectSameWindow(windowEndMs: number): void {
  if (Date.now() >= windowEndMs) {
    throw new Error('the requests of this test spanned two one-second windows (machine too slow)');
  }
}

/** `pushwire_refusals_total{kind="rate_limited",app_id}` from the server's metrics, 0 when absent. */
function rateLimitedCount(rest: RestServer, appId: string): number {
  for (const line of rest.server.metrics.render().split('\n')) {
    if (!line.startsWith('pushwire_refusals_total{')) continue;
    if (!line.includes('kind="rate_limited"') || !line.includes(`app_id="${appId}"`)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

function sdkFor(rest: RestServer, app: AppOptions, retry: false | undefined): Pusher {
  return new Pusher({
    appId: app.id,
    key: app.key,
    secret: app.secret,
    host: '127.0.0.1',
    port: rest.port,
    useTLS: false,
    ...(retry === undefined ? {} : { retry }),
  });
}

describe('REST rate limits per app', () => {
  it('publishes over apiEventsPerSecond get 429 with Retry-After and nothing is published', async () => {
    const refusals: Record<string, unknown>[] = [];
    const logger = {
      debug: (message: string, fields?: Record<string, unknown>) => {
        if (message === 'refused') refusals.push(fields ?? {});
      },
      info: () => {},
      warn: () => {},
      error: () => {},
    };
    const rest = await startRestServer({ apps: [LIMITED], logger });
    const client = await connect(rest.wsUrl());
    await client.join('feed', undefined, LIMITED);
    const pusher = rest.pusher(LIMITED);

    const windowEnd = await nextWindow();
    await pusher.trigger(['feed', 'b', 'c'], 'e', 'x'); // 3 messages
    await pusher.trigger(['feed', 'b'], 'e', 'y'); // 5: the limit
    const refused = await signedRequest(rest.port, {
      method: 'POST',
      path: `/apps/${LIMITED.id}/events`,
      body: JSON.stringify({ name: 'e', channels: ['feed'], data: 'z' }),
      app: LIMITED,
    });
    const official = await rejectionOf(pusher.trigger('feed', 'e', 'w'));
    const batch = await rejectionOf(
      pusher.triggerBatch([{ channel: 'feed', name: 'e', data: 'v' }]),
    );
    expectSameWindow(windowEnd);

    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-ratelimit-limit')).toBe('5');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.contentType).toBe('application/json');
    expect(refused.json()).toEqual({
      error:
        'Rate limit exceeded: apiEventsPerSecond is 5 messages (events × channels) per second for this app; nothing was done. Retry after 1 s.',
    });
    expect(official.status).toBe(429);
    expect(batch.status).toBe(429);
    expect(rateLimitedCount(rest, LIMITED.id)).toBe(3);
    expect(refusals).toHaveLength(3);
    expect(refusals[0]).toMatchObject({
      kind: 'rate_limited',
      appId: LIMITED.id,
      code: 429,
      method: 'POST',
      route: 'events',
    });
    expect(refusals[2]).toMatchObject({ kind: 'rate_limited', route: 'batch_events' });

    await client.roundTrip();
    expect(client.frames.filter((f) => f.event === 'e').map((f) => f.data)).toEqual(['x', 'y']);

    await nextWindow();
    await pusher.trigger('feed', 'e', 'next window');
    await client.waitFor((f) => f.event === 'e' && f.data === 'next window');
  });

  it("the SDK's retry honours Retry-After and delivers once the window is over", async () => {
    const rest = await startRestServer({ apps: [LIMITED] });
    const client = await connect(rest.wsUrl());
    await client.join('feed', undefined, LIMITED);
    const retrying = sdkFor(rest, LIMITED, undefined);
    const noRetry = sdkFor(rest, LIMITED, false);

    const windowEnd = await nextWindow();
    await retrying.trigger(['feed', 'a', 'b', 'c', 'd'], 'fill', '1'); // the whole window
    const error = await noRetry.trigger('feed', 'late', 'lost').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expectSameWindow(windowEnd);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(1000);

    // Refused in this window (429, Retry-After: 1), sent again by the SDK a second later.
    expect(await retrying.trigger('feed', 'late', 'delivered')).toEqual({});
    await client.waitFor((f) => f.event === 'late' && f.data === 'delivered');
    expect(rateLimitedCount(rest, LIMITED.id)).toBe(2);
    await client.roundTrip();
    expect(client.frames.filter((f) => f.event === 'late').map((f) => f.data)).toEqual([
      'delivered',
    ]);
  });

  it('reads and publishes are counted apart, and each app has its own windows', async () => {
    const rest = await startRestServer({ apps: [LIMITED, OTHER] });
    const limited = rest.pusher(LIMITED);
    const other = rest.pusher(OTHER);

    const windowEnd = await nextWindow();
    const reads = await Promise.all([
      limited.get({ path: '/channels' }),
      limited.get({ path: '/channels/feed', params: { info: 'subscription_count' } }),
    ]);
    const thirdRead = await rejectionOf(limited.get({ path: '/channels/presence-x/users' }));
    const publish = await limited.trigger(['a', 'b', 'c', 'd', 'e'], 'e', 'd');
    const otherReads = await Promise.all([
      other.get({ path: '/channels' }),
      other.get({ path: '/channels' }),
    ]);
    const otherPublish = await other.trigger(['a', 'b', 'c', 'd', 'e'], 'e', 'd');
    const sixthMessage = await rejectionOf(limited.trigger('a', 'e', 'd'));
    const otherThirdRead = await rejectionOf(other.get({ path: '/channels' }));
    expectSameWindow(windowEnd);

    expect(reads.map((response) => response.status)).toEqual([200, 200]);
    expect(thirdRead.status).toBe(429);
    expect(JSON.parse(thirdRead.body)).toEqual({
      error:
        'Rate limit exceeded: apiReadsPerSecond is 2 read requests per second for this app; nothing was done. Retry after 1 s.',
    });
    expect(publish.status).toBe(200);
    expect(otherReads.map((response) => response.status)).toEqual([200, 200]);
    expect(otherPublish.status).toBe(200);
    expect(sixthMessage.status).toBe(429);
    expect(otherThirdRead.status).toBe(429);
    expect(rateLimitedCount(rest, LIMITED.id)).toBe(2);
    expect(rateLimitedCount(rest, OTHER.id)).toBe(1);
  });

  it('a request larger than a whole second of the limit gets 400 (waiting would not help)', async () => {
    const rest = await startRestServer({ apps: [LIMITED] });
    const pusher = rest.pusher(LIMITED);
    const tooMany = await rejectionOf(pusher.trigger(['a', 'b', 'c', 'd', 'e', 'f'], 'e', 'd'));
    expect(tooMany.status).toBe(400);
    expect(JSON.parse(tooMany.body)).toEqual({
      error:
        "This request is 6 messages (events × channels); the app's apiEventsPerSecond limit allows 5 per second. Split it.",
    });
    const batch = Array.from({ length: 6 }, (_, i) => ({ channel: `c${i}`, name: 'e', data: 'd' }));
    expect((await rejectionOf(pusher.triggerBatch(batch))).status).toBe(400);
    expect(rateLimitedCount(rest, LIMITED.id)).toBe(0);
  });

  it('is off by default (0 = unlimited); negative limits are refused', async () => {
    expect(PUSHER_DEFAULT_LIMITS).toMatchObject({ apiEventsPerSecond: 0, apiReadsPerSecond: 0 });
    expect(RELAXED_LIMITS).toMatchObject({ apiEventsPerSecond: 0, apiReadsPerSecond: 0 });
    expect(() =>
      resolveServerOptions({ apps: [{ ...REST_APP, limits: { apiEventsPerSecond: -1 } }] }),
    ).toThrow(ServerConfigError);
    expect(() =>
      resolveServerOptions({ apps: [{ ...REST_APP, limits: { apiReadsPerSecond: 1.5 } }] }),
    ).toThrow(ServerConfigError);

    const rest = await startRestServer();
    const pusher = rest.pusher();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0 ? pusher.trigger(['a', 'b'], 'e', 'd') : pusher.get({ path: '/channels' }),
      ),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(rateLimitedCount(rest, REST_APP.id)).toBe(0);
  });
});

describe('RestRateLimiter: reservations from a shared window', () => {
  /** Two nodes' limiters reserving from one adapter window, on a fake clock. */
  async function twoNodes(limit: number) {
    let nowMs = 1_700_000_000_000;
    const adapter = new LocalAdapter({ now: () => nowMs });
    await adapter.start(new RecordingHandlers());
    let calls = 0;
    const counted = {
      takeRateQuota: (...args: Parameters<LocalAdapter['takeRateQuota']>) => {
        calls += 1;
        return adapter.takeRateQuota(...args);
      },
    };
    const now = () => nowMs;
    const nodes = [new RestRateLimiter(counted, now), new RestRateLimiter(counted, now)] as const;
    const admitMany = async (count: number, units = 1) => {
      const decisions = await Promise.all(
        Array.from({ length: count }, (_, i) => nodes[i % 2]!.admit('app', 'events', units, limit)),
      );
      return decisions.filter((decision) => decision.admitted).length;
    };
    return {
      admitMany,
      calls: () => calls,
      elapse: (ms: number) => {
        nowMs += ms;
      },
    };
  }

  it('never admits more than the limit in a window, and strands at most a batch per node', async () => {
    const limit = 100;
    const nodes = await twoNodes(limit);
    const admitted = await nodes.admitMany(300);
    expect(admitted).toBeLessThanOrEqual(limit);
    expect(admitted).toBeGreaterThanOrEqual(limit - 2 * reservationBatch(limit));
    // Reservations, not a call per request: about limit / batch, plus the one that found it full.
    expect(nodes.calls()).toBeLessThanOrEqual(limit / reservationBatch(limit) + 2);

    const callsWhenFull = nodes.calls();
    expect(await nodes.admitMany(1000)).toBe(0);
    expect(nodes.calls()).toBe(callsWhenFull); // a flood past the limit costs the adapter nothing

    nodes.elapse(1000);
    expect(await nodes.admitMany(50)).toBe(50);
  });

  it('admits requests of several units without ever passing the limit', async () => {
    const nodes = await twoNodes(30);
    const admitted = await nodes.admitMany(20, 4);
    expect(admitted * 4).toBeLessThanOrEqual(30);
    expect(admitted * 4).toBeGreaterThanOrEqual(30 - 2 * 4);
  });

  it('a limit of 0 admits everything without asking the adapter', async () => {
    const nodes = await twoNodes(0);
    expect(await nodes.admitMany(100)).toBe(100);
    expect(nodes.calls()).toBe(0);
  });
});
