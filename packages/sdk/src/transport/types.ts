/**
 * @module transport/types
 * The seam between the client and the network: a Transport sends one HTTP request to a fixed
 * endpoint and resolves with the status, headers and the whole body, or rejects with a
 * TransportFailure. Retries, signing and error mapping live above it.
 */

/** Largest response body accepted by default, in bytes (Pusher's answers are far smaller). */
export const DEFAULT_MAX_RESPONSE_BODY_BYTES = 16 * 1024 * 1024;

/** `TransportFailure.code` when the response body is over `maxResponseBodyBytes`. */
export const RESPONSE_TOO_LARGE_CODE = 'ERR_RESPONSE_TOO_LARGE';

/** Where requests go: scheme, host and port (fixed per transport). */
export interface Endpoint {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
}

export interface TransportRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query, e.g. `/apps/1/events?auth_key=...`. */
  readonly pathAndQuery: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The whole exchange (connect, send, headers and body) must finish within this time. */
  readonly timeoutMs: number;
}

export interface TransportResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: string;
}

/** Sends one request; rejects with a TransportFailure when there is no complete response. */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** A transport that holds connections can release them. */
export interface ClosableTransport {
  /**
   * Which transport this is (named in debug logs): the keep-alive Node one, `node:http` (what
   * the Node one hands requests to while an interceptor such as nock or msw is installed), or
   * `fetch`.
   */
  readonly kind: 'node' | 'node-http' | 'fetch';
  readonly send: Transport;
  /** Closes idle kept-alive connections. */
  close(): void;
}

/** Why a transport produced no response. */
export class TransportFailure extends Error {
  override readonly name = 'TransportFailure';
  /** System error code (`ECONNREFUSED`, ...) when known. */
  readonly code: string | undefined;
  /** True when no connection was ever established, so the request cannot have been sent. */
  readonly connectPhase: boolean;
  readonly timedOut: boolean;
  /** The body cap that was passed, when `code` is RESPONSE_TOO_LARGE_CODE. */
  readonly limitBytes: number | undefined;

  constructor(
    message: string,
    init: {
      code?: string | undefined;
      connectPhase: boolean;
      timedOut: boolean;
      cause?: unknown;
      limitBytes?: number | undefined;
    },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.connectPhase = init.connectPhase;
    this.timedOut = init.timedOut;
    this.limitBytes = init.limitBytes;
  }
}

/** The failure for a response body over `limitBytes` (the `maxResponseBodyBytes` option). */
export function responseTooLarge(limitBytes: number, cause?: unknown): TransportFailure {
  return new TransportFailure(
    `response body too large (over ${limitBytes} bytes); see the maxResponseBodyBytes option`,
    { code: RESPONSE_TOO_LARGE_CODE, connectPhase: false, timedOut: false, cause, limitBytes },
  );
}

/** Error codes that only happen before a connection exists (DNS, refused, unreachable). */
export const CONNECT_PHASE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The `code` of an error or of its `cause` chain (fetch wraps system errors). */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
