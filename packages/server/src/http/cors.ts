/**
 * @module http/cors
 * CORS for the HTTP API (the `cors` option): which origins may call it from a browser, the
 * headers an answer to an allowed origin carries, and the answer to a preflight (OPTIONS with
 * `Access-Control-Request-Method`): 204 with the allowed methods, headers and cache time for an
 * allowed origin, 403 without any CORS header for another one (the browser then blocks the call).
 * A request from an origin that is not allowed is still answered, without CORS headers: the
 * browser keeps the answer from the page (CORS is not authentication; REST requests are signed).
 */
import type { ResolvedCorsOptions } from '../options/types';
import type { HttpAnswer } from './exchange';

/** The methods the API answers (every route is one of them). */
const ALLOWED_METHODS = 'GET, POST, HEAD';
/** Answer headers a page may read besides the safelisted ones. */
const EXPOSED_HEADERS = 'Retry-After, Allow';

export class CorsPolicy {
  readonly #any: boolean;
  readonly #origins: ReadonlySet<string>;
  readonly #allowHeaders: string;
  readonly #maxAge: string;

  constructor(options: ResolvedCorsOptions) {
    this.#any = options.origins === '*';
    this.#origins = new Set(options.origins === '*' ? [] : options.origins);
    this.#allowHeaders = options.headers.join(', ');
    this.#maxAge = String(options.maxAgeSec);
  }

  /** True when a page from `origin` may read the API's answers. */
  allows(origin: string): boolean {
    return this.#any || this.#origins.has(origin);
  }

  /**
   * The CORS headers of an answer to a request from `origin` (none for an origin not allowed);
   * with a list of origins every answer varies by `Origin`.
   */
  answerHeaders(origin: string | undefined): Record<string, string> {
    if (this.#any) {
      return origin === undefined
        ? {}
        : { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED_HEADERS };
    }
    if (origin === undefined || !this.#origins.has(origin)) return { vary: 'Origin' };
    return {
      'access-control-allow-origin': origin,
      'access-control-expose-headers': EXPOSED_HEADERS,
      vary: 'Origin',
    };
  }

  /** The answer to a preflight from `origin`: 204 with the policy, or 403 without it. */
  preflight(origin: string): HttpAnswer {
    if (!this.allows(origin)) {
      const body = JSON.stringify({ error: 'Origin not allowed (cors.origins)' });
      return {
        status: 403,
        headers: {
          ...(this.#any ? {} : { vary: 'Origin' }),
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
        body,
        closeConnection: false,
      };
    }
    return {
      status: 204,
      headers: {
        'access-control-allow-origin': this.#any ? '*' : origin,
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': this.#allowHeaders,
        'access-control-max-age': this.#maxAge,
        ...(this.#any ? {} : { vary: 'Origin' }),
      },
      body: '',
      closeConnection: false,
    };
  }
}
