/**
 * @module test/attacks/redis-outage-503
 * Issue 8.7: while Redis was down, REST publishes on a node answered 200 but never reached the
 * other nodes (events silently lost). Now, while the node cannot reach the cluster, POST /events,
 * /batch_events and /users/{id}/terminate_connections answer 503 with `Retry-After` and do nothing
 * (not even a local delivery), so the SDK's retry delivers the event once Redis is back.
 */
import { Pusher, signRequest } from '@pushwire/sdk';
import { redisServerForTest, waitUntil } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RedisAdapter } from '../../src/adapters/redis';
import { APP, connect, startServer, type TestServer } from '../ws-helpers';

function startNode(url: string, keyPrefix: string): Promise<TestServer> {
  const adapter = new RedisAdapter({
    url,
    keyPrefix,
    heartbeatIntervalMs: 100,
    commandTimeoutMs: 500,
  });
  return startServer({ adapter, vacateDelayMs: 0, webhookBatchMs: 0 });
}

function sdkFor(node: TestServer, retries: number): Pusher {
  const sdk = new Pusher({
    appId: APP.id,
    key: APP.key,
    secret: APP.secret,
    host: '127.0.0.1',
    port: node.address.port,
    useTLS: false,
    retry: { retries },
  });
  onTestFinished(() => sdk.close());
  return sdk;
}

/** A signed POST; the answer with its headers. */
async function post(
  node: TestServer,
  path: string,
  body: unknown,
): Promise<{ status: number; retryAfter: string | null; json: unknown }> {
  const text = JSON.stringify(body);
  const fullPath = `/apps/${APP.id}/${path}`;
  const query = signRequest({
    method: 'POST',
    path: fullPath,
    key: APP.key,
    secret: APP.secret,
    timestamp: Math.floor(Date.now() / 1000),
    body: text,
  });
  const response = await fetch(
    `http://127.0.0.1:${node.address.port}${fullPath}?${new URLSearchParams(query)}`,
    { method: 'POST', body: text, headers: { 'content-type': 'application/json' } },
  );
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    json: (await response.json()) as unknown,
  };
}

describe('attack: REST publishes while Redis is down', () => {
  it('are refused with 503 + Retry-After, and the SDK retry delivers after recovery', async () => {
    const redis = await redisServerForTest();
    const keyPrefix = `outage-503-${process.pid}:`;
    const a = await startNode(redis.url, keyPrefix);
    const b = await startNode(redis.url, keyPrefix);
    const onA = await connect(a.wsUrl());
    const onB = await connect(b.wsUrl());
    await onA.join('news');
    await onB.join('news');
    await redis.stop();
    await waitUntil(() => !a.server.adapter.health().ok, 5000);

    const single = await post(a, 'events', { name: 'lost', channel: 'news', data: '{}' });
    expect(single.status).toBe(503);
    expect(single.retryAfter).toBe('2');
    expect(single.json).toEqual({ error: expect.stringMatching(/cannot reach the cluster/) });
    const batch = await post(a, 'batch_events', {
      batch: [{ name: 'lost', channel: 'news', data: '{}' }],
    });
    expect(batch.status).toBe(503);
    expect(batch.retryAfter).toBe('2');
    const terminate = await post(a, 'users/alice/terminate_connections', {});
    expect(terminate.status).toBe(503);
    // Invalid input is still a 400, not a 503 (validation comes first).
    expect((await post(a, 'events', { name: 'x' })).status).toBe(400);
    const refused = await sdkFor(a, 0)
      .trigger('news', 'lost', {})
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toMatchObject({ status: 503 });
    // Nothing was delivered, not even to the node's own subscriber.
    await onA.roundTrip();
    expect(onA.count('lost', 'news')).toBe(0);

    // The SDK retries a 503 after Retry-After: the event arrives once Redis is back.
    const retried = sdkFor(a, 6).trigger('news', 'retried', { n: 1 });
    await redis.restart();
    await retried;
    await onB.event('retried', 'news');
    await onA.event('retried', 'news');
    expect(onB.count('retried', 'news')).toBe(1);
    expect(onB.count('lost', 'news')).toBe(0);
  }, 60_000);
});
