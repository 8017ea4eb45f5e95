/**
 * @module transport/select-transport
 * Picks the transport for an endpoint: the injected `fetch` when given; on Node the keep-alive
 * HTTP/1.1 transport over `node:net`/`node:tls`; elsewhere (Bun, Deno, Cloudflare Workers and
 * Vercel Edge, even with their Node compatibility on) the global `fetch`.
 */
import { ConfigurationError } from '../errors';
import { loadNodeNetModules } from '../runtime/node-net';
import { createFetchTransport, type FetchLike } from './fetch-transport';
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
    return createNodeTransport({
      endpoint: choice.endpoint,
      modules,
      proxy: choice.proxy,
      ca: choice.ca,
      maxResponseBodyBytes: choice.maxResponseBodyBytes,
    });
  }
  if (choice.proxy) {
    throw new ConfigurationError(
      'httpProxy',
      'httpProxy needs the Node transport; on this runtime pass a `fetch` configured for the proxy',
    );
  }
  const globalFetch = (globalThis as { fetch?: FetchLike }).fetch;
  if (typeof globalFetch !== 'function') {
    throw new ConfigurationError(
      'fetch',
      'This runtime has no global fetch: pass the `fetch` option (e.g. from undici)',
    );
  }
  return {
    kind: 'fetch',
    send: createFetchTransport(choice.endpoint, globalFetch.bind(globalThis), limits),
    close: () => {},
  };
}
