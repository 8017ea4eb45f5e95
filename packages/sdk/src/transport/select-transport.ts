/**
 * @module transport/select-transport
 * Picks the transport for an endpoint: the injected `fetch` when given; on Node the keep-alive
 * HTTP/1.1 transport over `node:net`/`node:tls`, which steps aside for `node:http` on each
 * request made while an HTTP interceptor (nock, msw) is installed, so mocks see the SDK's
 * requests as they see the official SDK's (unless `httpProxy` is set: see interception and
 * http-module-transport); elsewhere (Bun, Deno, Cloudflare Workers and Vercel Edge, even with
 * their Node compatibility on) the global `fetch`, read at call time (msw patches it).
 */
import { ConfigurationError } from '../errors';
import { loadNodeHttpModules, type NodeHttpModules } from '../runtime/node-http';
import { loadNodeNetModules } from '../runtime/node-net';
import { createFetchTransport, type FetchLike } from './fetch-transport';
import { createHttpModuleTransport } from './http-module-transport';
import {
  captureRequestFunctions,
  createInterceptionProbe,
  type OriginalRequestFunctions,
} from './interception';
import { createNodeTransport } from './node-transport';
import type { ProxyConfig } from './proxy';
import type { ClosableTransport, Endpoint } from './types';

export interface TransportChoice {
  readonly endpoint: Endpoint;
  readonly fetch?: FetchLike | undefined;
  readonly proxy?: ProxyConfig | undefined;
  readonly ca?: string | undefined;
  /** Largest response body accepted, in bytes. */
  readonly maxResponseBodyBytes?: number | undefined;
}

/** The transport for `choice.endpoint`. */
export function selectTransport(choice: TransportChoice): ClosableTransport {
  const limits = { maxResponseBodyBytes: choice.maxResponseBodyBytes };
  if (choice.fetch) {
    return {
      kind: 'fetch',
      send: createFetchTransport(choice.endpoint, choice.fetch, limits),
      close: () => {},
    };
  }
  const modules = loadNodeNetModules();
  if (modules) {
    const node = createNodeTransport({
      endpoint: choice.endpoint,
      modules,
      proxy: choice.proxy,
      ca: choice.ca,
      maxResponseBodyBytes: choice.maxResponseBodyBytes,
    });
    const httpModules = loadNodeHttpModules();
    // Through a proxy the SDK keeps its own client (an interceptor could not tunnel it).
    if (choice.proxy || !httpModules) return node;
    return interceptable(node, choice, httpModules);
  }
  if (choice.proxy) {
    throw new ConfigurationError(
      'httpProxy',
      'httpProxy needs the Node transport; on this runtime pass a `fetch` configured for the proxy',
    );
  }
  const globals = globalThis as { fetch?: FetchLike };
  if (typeof globals.fetch !== 'function') {
    throw new ConfigurationError(
      'fetch',
      'This runtime has no global fetch: pass the `fetch` option (e.g. from undici)',
    );
  }
  // Read at call time, so a fetch interceptor installed later (msw) sees the request.
  const globalFetch: FetchLike = (url, init) => (globals.fetch as FetchLike)(url, init);
  return {
    kind: 'fetch',
    send: createFetchTransport(choice.endpoint, globalFetch, limits),
    close: () => {},
  };
}

/** `http.request` and `https.request` as they were when the SDK was first loaded on Node. */
const originals: OriginalRequestFunctions | undefined = captureOriginals();

function captureOriginals(): OriginalRequestFunctions | undefined {
  const httpModules = loadNodeHttpModules();
  return httpModules ? captureRequestFunctions(httpModules) : undefined;
}

/**
 * `node`, except that requests made while an interceptor is installed go through `node:http`
 * (created on first use), where the interceptor sees them.
 */
function interceptable(
  node: ClosableTransport,
  choice: TransportChoice,
  modules: NodeHttpModules,
): ClosableTransport {
  const intercepted = createInterceptionProbe(
    modules,
    originals ?? captureRequestFunctions(modules),
  );
  let viaHttp: ClosableTransport | undefined;
  const send: ClosableTransport['send'] = (request) => {
    if (!intercepted()) return node.send(request);
    viaHttp ??= createHttpModuleTransport({
      endpoint: choice.endpoint,
      modules,
      ca: choice.ca,
      maxResponseBodyBytes: choice.maxResponseBodyBytes,
    });
    return viaHttp.send(request);
  };
  return {
    get kind() {
      return intercepted() ? 'node-http' : node.kind;
    },
    send,
    close: () => {
      node.close();
      viaHttp?.close();
    },
  };
}
