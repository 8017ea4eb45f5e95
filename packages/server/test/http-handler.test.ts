/**
 * `createHttpHandler` mounted on a plain `node:http` server with a LocalAdapter (no WebSocket
 * side): health and readiness while draining or with an unhealthy adapter (the one fault a real
 * LocalAdapter cannot produce is injected by wrapping its health()), and 500s for adapter failures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Adapter, AdapterHealth } from '../src/adapters/adapter';
import { LocalAdapter } from '../src/adapters/local/local-adapter';
import { createAppStore } from '../src/apps/app-store';
import { SubscriptionCountNotifier } from '../src/channels/subscription-count';
import { LocalRegistry } from '../src/core/local-registry';
import { RestRateLimiter } from '../src/http/rest-rate-limiter';
import { silentLogger } from '../src/observability/logger';
import { Metrics } from '../src/observability/metrics';
import { resolveServerOptions } from '../src/options';
import { createHttpHandler } from '../src/transports/node/http-listener';
import { WebhookDispatcher } from '../src/webhooks/dispatcher';
import { REST_APP, rawRequest, signedRequest } from './http-helpers';

interface Mounted {
  readonly port: number;
  draining: boolean;
  health: AdapterHealth;
  failChannels: boolean;
}

async function mount(): Promise<Mounted> {
  const options = resolveServerOptions({ logger: silentLogger, apps: [REST_APP] });
  const local = new LocalAdapter();
  await local.start({ deliver() {}, terminateUser() {}, clusterChanged() {} });
  const state: Mounted = { port: 0, draining: false, health: { ok: true }, failChannels: false };
  const adapter: Adapter = Object.assign(Object.create(local) as Adapter, {
    health: () => state.health,
    channels: (appId: string, prefix?: string) =>
      state.failChannels ? Promise.reject(new Error('store down')) : local.channels(appId, prefix),
  });
  const metrics = new Metrics();
  const webhooks = new WebhookDispatcher({ logger: silentLogger, metrics });
  const handler = createHttpHandler({
    options,
    apps: createAppStore(options.apps),
    adapter,
    webhooks,
    registry: new LocalRegistry(),
    subscriptionCounts: new SubscriptionCountNotifier(adapter, webhooks),
    metrics,
    logger: silentLogger,
    rateLimiter: new RestRateLimiter(adapter),
    isDraining: () => state.draining,
  });
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await local.close();
  });
  return Object.assign(state, { port: (server.address() as AddressInfo).port });
}

describe('createHttpHandler on a plain node:http server', () => {
  it('reports health and readiness, 503 while draining or when the adapter is down', async () => {
    const mounted = await mount();
    const healthy = await rawRequest(mounted.port, { method: 'GET', path: '/health' });
    expect(healthy.status).toBe(200);
    expect(healthy.json()).toEqual({ ok: true, draining: false, adapter: { ok: true } });

    mounted.health = { ok: false, detail: 'redis unreachable' };
    const down = await rawRequest(mounted.port, { method: 'GET', path: '/health' });
    expect(down.status).toBe(503);
    // The adapter's error text is for the logs, not for anonymous callers.
    expect(down.json()).toEqual({ ok: false, draining: false, adapter: { ok: false } });
    expect((await rawRequest(mounted.port, { method: 'GET', path: '/ready' })).json()).toEqual({
      ready: false,
      reason: 'adapter unhealthy',
    });
    const metrics = await rawRequest(mounted.port, { method: 'GET', path: '/metrics' });
    expect(metrics.text).toContain('pushwire_adapter_up 0\n');

    mounted.health = { ok: true };
    mounted.draining = true;
    const ready = await rawRequest(mounted.port, { method: 'GET', path: '/ready' });
    expect(ready.status).toBe(503);
    expect(ready.json()).toEqual({ ready: false, reason: 'draining' });
    expect((await rawRequest(mounted.port, { method: 'GET', path: '/health' })).status).toBe(503);
  });

  it('answers 500 with a generic JSON error when the adapter fails, and keeps serving', async () => {
    const mounted = await mount();
    mounted.failChannels = true;
    const failed = await signedRequest(mounted.port, {
      method: 'GET',
      path: `/apps/${REST_APP.id}/channels`,
    });
    expect(failed.status).toBe(500);
    expect(failed.contentType).toBe('application/json');
    expect(failed.json()).toEqual({ error: 'Internal server error' });
    mounted.failChannels = false;
    const ok = await signedRequest(mounted.port, {
      method: 'GET',
      path: `/apps/${REST_APP.id}/channels`,
    });
    expect(ok.json()).toEqual({ channels: {} });
  });
});
