/**
 * @module transport/fetch-transport
 * Transport over a WHATWG `fetch` (global or injected): used on Bun, Deno, Workers, edge
 * runtimes and whenever the caller passes `fetch`. The timeout covers the body read too.
 * Connection reuse is whatever the runtime's fetch does (undici, Bun and Workers keep alive).
 */
import {
  CONNECT_PHASE_ERROR_CODES,
  type Endpoint,
  errorCode,
  type Transport,
  TransportFailure,
  type TransportResponse,
} from './types';

/** The parts of a fetch `Response` the SDK reads. */
export interface FetchResponseLike {
  readonly status: number;
  readonly headers: { forEach(callback: (value: string, name: string) => void): void };
  text(): Promise<string>;
}

/** The request init the SDK passes to fetch. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  redirect: 'manual';
}

/** A `fetch` function: the global one, undici's, or any compatible one. */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>;

/** `scheme://host[:port]`, leaving out the scheme's default port. */
export function originOf(endpoint: Endpoint): string {
  const defaultPort = endpoint.scheme === 'https' ? 443 : 80;
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return endpoint.port === defaultPort
    ? `${endpoint.scheme}://${host}`
    : `${endpoint.scheme}://${host}:${endpoint.port}`;
}

/** A transport that sends every request through `fetchFn` to `endpoint`. */
export function createFetchTransport(endpoint: Endpoint, fetchFn: FetchLike): Transport {
  const origin = originOf(endpoint);
  return async (request) => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, request.timeoutMs);
    try {
      const init: FetchInit = {
        method: request.method,
        headers: { ...request.headers },
        signal: controller.signal,
        redirect: 'manual',
      };
      if (request.body !== undefined) init.body = request.body;
      const response = await fetchFn(origin + request.pathAndQuery, init);
      const body = await response.text();
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      const result: TransportResponse = { status: response.status, headers, body };
      return result;
    } catch (error) {
      if (timedOut) {
        throw new TransportFailure(`no complete response within ${request.timeoutMs} ms`, {
          connectPhase: false,
          timedOut: true,
        });
      }
      const code = errorCode(error);
      throw new TransportFailure(code ? `request failed (${code})` : 'request failed', {
        code,
        connectPhase: code !== undefined && CONNECT_PHASE_ERROR_CODES.has(code),
        timedOut: false,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  };
}
