/**
 * The interceptor probe on stand-in module objects: a Proxy on `request` (how nock 14 and msw 2
 * install themselves), a plain replacement of the function found at load (a spy), and the
 * @mswjs/interceptors registration on globalThis are each seen; putting the original back is too.
 */
import { types } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeHttpModule, NodeHttpModules } from '../src/runtime/node-http';
import {
  CLIENT_REQUEST_INTERCEPTOR,
  captureRequestFunctions,
  createInterceptionProbe,
} from '../src/transport/interception';

function standIns() {
  const http = { request: () => undefined } as unknown as { request: unknown };
  const https = { request: () => undefined } as unknown as { request: unknown };
  const modules = {
    http: http as unknown as NodeHttpModule,
    https: https as unknown as NodeHttpModule,
    isProxy: types.isProxy,
  } satisfies NodeHttpModules;
  return { http, https, modules };
}

const registry = globalThis as { [CLIENT_REQUEST_INTERCEPTOR]?: unknown };
afterEach(() => {
  delete registry[CLIENT_REQUEST_INTERCEPTOR];
});

describe('createInterceptionProbe', () => {
  it('sees a Proxy on http.request or https.request, and its removal', () => {
    const { http, https, modules } = standIns();
    const probe = createInterceptionProbe(modules, captureRequestFunctions(modules));
    expect(probe()).toBe(false);
    const original = https.request as object;
    https.request = new Proxy(original, {});
    expect(probe()).toBe(true);
    https.request = original;
    expect(probe()).toBe(false);
    http.request = new Proxy(http.request as object, {});
    expect(probe()).toBe(true);
  });

  it('sees a plain replacement of the function found at load', () => {
    const { http, modules } = standIns();
    const probe = createInterceptionProbe(modules, captureRequestFunctions(modules));
    const original = http.request;
    http.request = () => undefined;
    expect(probe()).toBe(true);
    http.request = original;
    expect(probe()).toBe(false);
  });

  it('when loaded under an interceptor, takes the function put back as the original', () => {
    const { http, modules } = standIns();
    const original = http.request;
    http.request = new Proxy(original as object, {});
    const probe = createInterceptionProbe(modules, captureRequestFunctions(modules));
    expect(probe()).toBe(true);
    http.request = original;
    expect(probe()).toBe(false);
  });

  it('sees the @mswjs/interceptors registration on globalThis', () => {
    const { modules } = standIns();
    const probe = createInterceptionProbe(modules, captureRequestFunctions(modules));
    registry[CLIENT_REQUEST_INTERCEPTOR] = {};
    expect(probe()).toBe(true);
    delete registry[CLIENT_REQUEST_INTERCEPTOR];
    expect(probe()).toBe(false);
  });
});
