/**
 * @module client/rest-client
 * Sends signed requests to one endpoint: signs (auth params + body_md5 in the query, POST params
 * in the JSON body), retries per the policy, maps statuses to typed errors, parses the JSON
 * result. Everything derivable per client (headers, path prefix) is computed once.
 */
import {
  NoResponseError,
  RequestError,
  ResponseTooLargeError,
  redactSigningParams,
  requestErrorFor,
  TimeoutError,
} from '../errors';
import type { Logger } from '../options';
import { RequestSigner } from '../signing/request-signer';
import { type ResolvedRetryOptions, retryDelayMs, shouldRetry } from '../transport/retry';
import {
  RESPONSE_TOO_LARGE_CODE,
  type Transport,
  TransportFailure,
  type TransportResponse,
} from '../transport/types';
import { LIBRARY_HEADER_VALUE } from '../version';

export interface RestClientConfig {
  readonly key: string;
  readonly secret: string;
  /** Prefix of every path, e.g. `/apps/123`. */
  readonly pathPrefix: string;
  /** Scheme, host and port of the API (`http://127.0.0.1:6001`), named in network errors. */
  readonly origin: string;
  readonly transport: Transport;
  /**
   * The transport's kind, named in debug logs: read per request, as the Node transport steps
   * aside for node:http while an interceptor (nock, msw) is installed.
   */
  readonly transportKind: () => string;
  readonly timeoutMs: number;
  readonly retry: ResolvedRetryOptions;
  readonly logger: Logger | undefined;
  readonly now: () => number;
  /** Waits between retries (tests may shorten it). */
  readonly sleep?: (ms: number) => Promise<void>;
}

const GET_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-pusher-library': LIBRARY_HEADER_VALUE,
});
const POST_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json',
  'x-pusher-library': LIBRARY_HEADER_VALUE,
});

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

function flattenHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined)
      flat[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return flat;
}

function headerValue(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name];
  return value === undefined || typeof value === 'string' ? value : value[0];
}

/**
 * A cause that is safe to attach: an injected fetch could put the signed URL in its error
 * message, so such an error is replaced by a redacted copy.
 */
function safeCause(cause: unknown): unknown {
  if (!(cause instanceof Error)) return cause;
  const text = `${cause.message}\n${cause.stack ?? ''}`;
  if (!text.includes('auth_signature') && !text.includes('auth_key')) return cause;
  const copy = new Error(redactSigningParams(cause.message));
  copy.name = cause.name;
  copy.stack = `${copy.name}: ${copy.message}`;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}

export interface RestRequest {
  readonly method: 'GET' | 'POST';
  /** Path after the prefix, e.g. `/events`. */
  readonly path: string;
  /** GET query parameters (signed unescaped, sent percent-encoded). */
  readonly params?: Readonly<Record<string, string>>;
  /** POST body, already JSON. */
  readonly body?: string;
}

/** Signs, sends and decodes requests for one endpoint. */
export class RestClient {
  readonly #config: RestClientConfig;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #signer: RequestSigner;

  constructor(config: RestClientConfig) {
    this.#config = config;
    this.#signer = new RequestSigner(config.key, config.secret);
    this.#sleep = config.sleep ?? defaultSleep;
  }

  /** Sends `request` and resolves with the parsed JSON result (`{}` for an empty body). */
  async send<T>(request: RestRequest): Promise<T> {
    const config = this.#config;
    const path = config.pathPrefix + request.path;
    const logger = config.logger;
    for (let attempt = 0; ; attempt++) {
      const nowMs = config.now();
      const query = this.#signer.signedQuery({
        method: request.method,
        path,
        timestamp: Math.floor(nowMs / 1000),
        params: request.params,
        body: request.body,
      });
      const started = logger?.debug ? Date.now() : 0;
      let response: TransportResponse;
      try {
        response = await config.transport({
          method: request.method,
          pathAndQuery: `${path}?${query}`,
          headers: request.method === 'POST' ? POST_HEADERS : GET_HEADERS,
          ...(request.body === undefined ? {} : { body: request.body }),
          timeoutMs: config.timeoutMs,
        });
      } catch (error) {
        const failure =
          error instanceof TransportFailure
            ? error
            : new TransportFailure('request failed', {
                connectPhase: false,
                timedOut: false,
                cause: error,
              });
        const outcome = {
          kind: 'network',
          connectPhase: failure.connectPhase,
          timedOut: failure.timedOut,
        } as const;
        // An over-cap body is not retried: the same server would send it again.
        const retryable = failure.code !== RESPONSE_TOO_LARGE_CODE;
        if (
          retryable &&
          shouldRetry({ method: request.method, attempt, options: config.retry, outcome })
        ) {
          await this.#backoff(request.method, path, attempt, undefined, `${failure.message}`);
          continue;
        }
        throw this.#networkError(request.method, path, failure, attempt + 1);
      }
      if (logger?.debug) {
        logger.debug(
          `pushwire: ${request.method} ${path} -> ${response.status} (${Date.now() - started} ms, ${config.transportKind()})`,
        );
      }
      if (response.status >= 200 && response.status <= 299) {
        return this.#parse<T>(request.method, path, response);
      }
      const retryAfter = headerValue(response.headers, 'retry-after');
      const outcome = { kind: 'status', status: response.status, retryAfter } as const;
      if (shouldRetry({ method: request.method, attempt, options: config.retry, outcome })) {
        await this.#backoff(request.method, path, attempt, retryAfter, `status ${response.status}`);
        continue;
      }
      throw requestErrorFor(
        {
          method: request.method,
          path,
          status: response.status,
          body: response.body,
          headers: flattenHeaders(response.headers),
        },
        config.now(),
      );
    }
  }

  async #backoff(
    method: string,
    path: string,
    attempt: number,
    retryAfter: string | undefined,
    reason: string,
  ): Promise<void> {
    const delay = retryDelayMs({
      attempt,
      options: this.#config.retry,
      retryAfter,
      nowMs: this.#config.now(),
    });
    this.#config.logger?.warn?.(
      `pushwire: ${method} ${path} failed (${reason}); retry ${attempt + 1} of ${this.#config.retry.retries} in ${delay} ms`,
    );
    await this.#sleep(delay);
  }

  #networkError(
    method: string,
    path: string,
    failure: TransportFailure,
    attempts: number,
  ): NoResponseError {
    const init = {
      method,
      path,
      code: failure.code,
      connectPhase: failure.connectPhase,
      attempts,
      cause: safeCause(failure.cause ?? undefined),
    };
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    // No response came back: say which endpoint was tried (a wrong host or port is the usual cause).
    const where = `${method} ${this.#config.origin}${path}`;
    if (failure.code === RESPONSE_TOO_LARGE_CODE && failure.limitBytes !== undefined) {
      return new ResponseTooLargeError(`${where} failed: ${failure.message}${tries}`, {
        ...init,
        limitBytes: failure.limitBytes,
      });
    }
    if (failure.timedOut) {
      return new TimeoutError(
        `${where} timed out: no complete response within ${this.#config.timeoutMs} ms${tries}`,
        { ...init, timeoutMs: this.#config.timeoutMs },
      );
    }
    return new NoResponseError(`${where} failed: ${failure.message}${tries}`, init);
  }

  #parse<T>(method: string, path: string, response: TransportResponse): T {
    const text = response.body;
    if (text.trim() === '') return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new RequestError(
        {
          method,
          path,
          status: response.status,
          body: text,
          headers: flattenHeaders(response.headers),
        },
        '(the response is not JSON)',
      );
    }
  }
}
