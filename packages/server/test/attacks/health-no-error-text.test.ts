/**
 * @module test/attacks/health-no-error-text
 * Issue 8.12 (part): `/health` on the public port used to show the adapter's error text to anyone
 * (e.g. `redis unavailable: connect ECONNREFUSED 127.0.0.1:6390`, naming the internal Redis host).
 * Now `/health` and `/ready` answer a status and booleans or fixed reasons only; the detail goes to
 * the logs, and `/metrics` reports `pushwire_adapter_up 0`.
 */

import { startRedisServer, waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/observability/logger';
import { rawRequest } from '../http-helpers';
import { startServer } from '../ws-helpers';

/** A logger that keeps every line (message and fields) as text. */
function recordingLogger(lines: string[]): Logger {
  const record =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
    };
  return {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

describe('attack: reading internals from /health', () => {
  it('shows no adapter error text to anonymous callers; the logs have it', async () => {
    const lines: string[] = [];
    // A port where nothing listens (a Redis that was there and is gone).
    const redis = await startRedisServer();
    await redis.close();
    const node = await startServer({
      redisUrl: `redis://:pa55word@127.0.0.1:${redis.port}`,
      logger: recordingLogger(lines),
    });
    await waitUntil(() => lines.some((line) => line.includes('redis unavailable')), 5000);
    const port = node.address.port;

    const health = await rawRequest(port, { method: 'GET', path: '/health' });
    expect(health.status).toBe(503);
    expect(health.json()).toEqual({ ok: false, draining: false, adapter: { ok: false } });
    const ready = await rawRequest(port, { method: 'GET', path: '/ready' });
    expect(ready.status).toBe(503);
    expect(ready.json()).toEqual({ ready: false, reason: 'adapter unhealthy' });
    for (const text of [health.text, ready.text]) {
      expect(text).not.toMatch(/redis|ECONNREFUSED|127\.0\.0\.1|pa55word/i);
      expect(text).not.toContain(String(redis.port));
    }
    const metrics = await rawRequest(port, { method: 'GET', path: '/metrics' });
    expect(metrics.text).toContain('pushwire_adapter_up 0\n');
    // The operator still learns why, from the logs (credentials masked).
    expect(lines.join('\n')).not.toContain('pa55word');
  });
});
