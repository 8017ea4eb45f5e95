/**
 * @module transport/fetch-transport
 * Transport over a WHATWG `fetch` (global or injected): used on Bun, Deno, Workers, edge
 * runtimes and whenever the caller passes `fetch`. The timeout covers the body read too.
 * Connection reuse is whatever the runtime's fetch does (undici, Bun and Workers keep alive).
 * The body is read from `response.body` as bytes into one buffer, capped at `maxResponseBodyBytes`
 * (an announced Content-Length over the cap is refused before reading; a stream that passes the
 * cap is cancelled at once), and decoded once. A response without a body stream (a minimal custom
 * fetch) falls back to `text()`, checked against the cap after the fact.
 */
import { utf8Decode } from '../crypto/encoding';
import { utf8ByteLength } from '../limits';
import { ByteBuffer } from './byte-buffer';
import {
  CONNECT_PHASE_ERROR_CODES,
  DEFAULT_MAX_RESPONSE_BODY_BYTES,
  type Endpoint,
  errorCode,
  responseTooLarge,
  type Transport,
  TransportFailure,
  type TransportResponse,
} from './types';

/** The reader of a body stream, as far as the SDK uses it. */
export interface FetchBodyReaderLike {
  read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
  cancel(reason?: unknown): Promise<void>;
}

/** The parts of a fetch `Response` the SDK reads. */
export interface FetchResponseLike {
  readonly status: number;
  readonly headers: { forEach(callback: (value: string, name: string) => void): void };
  /** The body as a byte stream (every WHATWG fetch has it); read with a cap when present. */
  readonly body?: { getReader(): FetchBodyReaderLike } | null;
  text(): Promise<string>;
}

export interface FetchTransportOptions {
  /** Largest response body accepted, in bytes. @default DEFAULT_MAX_RESPONSE_BODY_BYTES */
  readonly maxResponseBodyBytes?: number | undefined;
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

const CONTENT_LENGTH = /^\d+$/;

/** Reads the body of `response` as UTF-8 text, refusing more than `maxBytes` bytes. */
async function readBody(
  response: FetchResponseLike,
  contentLength: string | undefined,
  maxBytes: number,
): Promise<string> {
  if (contentLength !== undefined && CONTENT_LENGTH.test(contentLength.trim())) {
    if (Number(contentLength.trim()) > maxBytes) throw responseTooLarge(maxBytes);
  }
  const stream = response.body;
  if (stream === undefined) {
    const text = await response.text();
    if (text.length > maxBytes || utf8ByteLength(text) > maxBytes) throw responseTooLarge(maxBytes);
    return text;
  }
  if (stream === null) return '';
  const reader = stream.getReader();
  const body = new ByteBuffer(maxBytes);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value !== undefined && !body.append(value)) {
      reader.cancel().catch(() => {});
      throw responseTooLarge(maxBytes);
    }
  }
  return body.length === 0 ? '' : utf8Decode(body.view());
}

/** A transport that sends every request through `fetchFn` to `endpoint`. */
export function createFetchTransport(
  endpoint: Endpoint,
  fetchFn: FetchLike,
  options: FetchTransportOptions = {},
): Transport {
  const origin = originOf(endpoint);
  const maxBodyBytes = options.maxResponseBodyBytes ?? DEFAULT_MAX_RESPONSE_BODY_BYTES;
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
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      const body = await readBody(response, headers['content-length'], maxBodyBytes);
      const result: TransportResponse = { status: response.status, headers, body };
      return result;
    } catch (error) {
      if (error instanceof TransportFailure) {
        controller.abort(); // releases the connection of a refused body
        throw error;
      }
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
