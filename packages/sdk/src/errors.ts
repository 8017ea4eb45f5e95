/**
 * @module errors
 * The SDK's error classes. Every error is a PusherError; none ever carries a secret, a signature
 * or a signed URL in its message or fields.
 *
 * - `ConfigurationError`: an option is missing or invalid (thrown by the constructor).
 * - `ValidationError`: a value breaks a rule or a limit (rejects the call before any request).
 * - `RequestError` and its subclasses: the API answered with an unexpected status.
 * - `NoResponseError` (`HTTPError`, the gem's name, is an alias; and `TimeoutError`,
 *   `ResponseTooLargeError`): no usable answer: the connection failed or timed out, or the response
 *   body was over `maxResponseBodyBytes`. (Not to be confused with an HTTP error status: that is a
 *   `RequestError`.)
 */

/**
 * The brand of every SDK error, a registered symbol: the same in every copy of the SDK (its ESM and
 * CommonJS builds, or two versions bundled into one app), where `instanceof` is not.
 */
const PUSHER_ERROR_BRAND: unique symbol = Symbol.for('@pushwire/sdk/PusherError');

/** Base class of every error the SDK throws or rejects with. */
export class PusherError extends Error {
  override readonly name: string = 'PusherError';
}
// On the prototype, so that every error carries it without an own (printed) property.
Object.defineProperty(PusherError.prototype, PUSHER_ERROR_BRAND, { value: true });

/** An option given to the client is missing or invalid; `option` names it. */
export class ConfigurationError extends PusherError {
  override readonly name: string = 'ConfigurationError';
  readonly option: string;

  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
}

/** A value given to a method breaks a rule or a limit; `field` names it, `limit` gives the bound. */
export class ValidationError extends PusherError {
  override readonly name: string = 'ValidationError';
  readonly field: string;
  readonly limit: number | undefined;

  constructor(field: string, message: string, limit?: number) {
    super(message);
    this.field = field;
    this.limit = limit;
  }
}

/** What an HTTP failure knows about the request and the response. */
export interface RequestErrorInit {
  /** HTTP method of the request. */
  readonly method: string;
  /** Request path, without the query (which holds the signature). */
  readonly path: string;
  readonly status: number;
  /** The response body as text (signing parameters redacted). */
  readonly body: string;
  /** The response headers, names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
}

const MAX_BODY_IN_MESSAGE_CHARS = 200;
const SIGNING_PARAM_PATTERN = /\b(auth_signature|auth_key)=[^&\s"']*/g;

/** Replaces the values of `auth_signature` and `auth_key` in a text (e.g. an echoed query). */
export function redactSigningParams(text: string): string {
  return text.includes('auth_') ? text.replace(SIGNING_PARAM_PATTERN, '$1=[redacted]') : text;
}

function describeResponse(init: RequestErrorInit, meaning: string): string {
  const body = init.body.trim();
  const excerpt =
    body.length > MAX_BODY_IN_MESSAGE_CHARS
      ? `${body.slice(0, MAX_BODY_IN_MESSAGE_CHARS)}...`
      : body;
  return `${init.method} ${init.path} failed with ${init.status} ${meaning}${excerpt ? `: ${excerpt}` : ''}`;
}

/**
 * The API answered with a status outside 2xx. Subclasses name the meaning of the common statuses;
 * `requestErrorFor()` picks the right one.
 */
export class RequestError extends PusherError {
  override readonly name: string = 'RequestError';
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(init: RequestErrorInit, meaning = '(unexpected status)') {
    const safe = { ...init, body: redactSigningParams(init.body) };
    super(describeResponse(safe, meaning));
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.body = safe.body;
    this.headers = init.headers;
  }
}

/** 400: the API rejected the request (details in `body`). */
export class BadRequestError extends RequestError {
  override readonly name: string = 'BadRequestError';
  constructor(init: RequestErrorInit) {
    super(init, 'Bad Request');
  }
}

/** 401: wrong key or secret, bad signature, or a clock more than 600 s off. */
export class AuthenticationError extends RequestError {
  override readonly name: string = 'AuthenticationError';
  constructor(init: RequestErrorInit) {
    super(init, 'Unauthorized (check the key, the secret and the clock)');
  }
}

/** 403: the app is disabled or over its message quota. */
export class ForbiddenError extends RequestError {
  override readonly name: string = 'ForbiddenError';
  constructor(init: RequestErrorInit) {
    super(init, 'Forbidden (app disabled or over quota)');
  }
}

/** 404: unknown app id or path. */
export class NotFoundError extends RequestError {
  override readonly name: string = 'NotFoundError';
  constructor(init: RequestErrorInit) {
    super(init, 'Not Found');
  }
}

/** 413: the event data is larger than the server accepts (10 KB on Pusher's shared clusters). */
export class PayloadTooLargeError extends RequestError {
  override readonly name: string = 'PayloadTooLargeError';
  constructor(init: RequestErrorInit) {
    super(init, 'Payload Too Large');
  }
}

/** Parses a `Retry-After` value (seconds or an HTTP date) into milliseconds from `nowMs`. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** 429: too many requests; `retryAfterMs` comes from the `Retry-After` header when present. */
export class RateLimitError extends RequestError {
  override readonly name: string = 'RateLimitError';
  readonly retryAfterMs: number | undefined;
  constructor(init: RequestErrorInit, nowMs: number = Date.now()) {
    super(init, 'Too Many Requests');
    this.retryAfterMs = parseRetryAfterMs(init.headers['retry-after'], nowMs);
  }
}

/** 5xx: the server failed. */
export class ServerError extends RequestError {
  override readonly name: string = 'ServerError';
  constructor(init: RequestErrorInit) {
    super(init, 'Server Error');
  }
}

/** The RequestError subclass for a status. */
export function requestErrorFor(init: RequestErrorInit, nowMs?: number): RequestError {
  switch (init.status) {
    case 400:
      return new BadRequestError(init);
    case 401:
      return new AuthenticationError(init);
    case 403:
      return new ForbiddenError(init);
    case 404:
      return new NotFoundError(init);
    case 413:
      return new PayloadTooLargeError(init);
    case 429:
      return new RateLimitError(init, nowMs);
    default:
      return init.status >= 500 && init.status <= 599
        ? new ServerError(init)
        : new RequestError(init);
  }
}

/** What a transport failure knows. */
export interface NoResponseErrorInit {
  readonly method: string;
  /** Request path, without the query. */
  readonly path: string;
  /** The system error code when there is one (`ECONNREFUSED`, `ENOTFOUND`, ...). */
  readonly code?: string | undefined;
  /** True when the failure happened before a connection existed, so nothing was sent. */
  readonly connectPhase?: boolean;
  /** How many attempts were made (1 + retries). */
  readonly attempts?: number;
  readonly cause?: unknown;
}

/** The request got no usable answer: DNS, connection, TLS or socket failure. `cause` has details. */
export class NoResponseError extends PusherError {
  override readonly name: string = 'NoResponseError';
  readonly method: string;
  readonly path: string;
  readonly code: string | undefined;
  readonly connectPhase: boolean;
  readonly attempts: number;

  constructor(message: string, init: NoResponseErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.method = init.method;
    this.path = init.path;
    this.code = init.code;
    this.connectPhase = init.connectPhase ?? false;
    this.attempts = init.attempts ?? 1;
  }
}

/** The Ruby gem's name for {@link NoResponseError} (same class: `instanceof` works with either). */
export const HTTPError = NoResponseError;
/** The Ruby gem's name for {@link NoResponseError}. */
export type HTTPError = NoResponseError;
/** @deprecated Use {@link NoResponseErrorInit}. */
export type HTTPErrorInit = NoResponseErrorInit;

/** The request did not complete (headers and body) within `timeoutMs`. */
export class TimeoutError extends NoResponseError {
  override readonly name: string = 'TimeoutError';
  readonly timeoutMs: number;

  constructor(message: string, init: NoResponseErrorInit & { readonly timeoutMs: number }) {
    super(message, init);
    this.timeoutMs = init.timeoutMs;
  }
}

/**
 * The response body was larger than `maxResponseBodyBytes` (counted in bytes); the SDK stopped
 * reading as soon as the cap was passed and closed the connection. `code` is
 * `ERR_RESPONSE_TOO_LARGE`; not retried (the same server would send the same body).
 */
export class ResponseTooLargeError extends NoResponseError {
  override readonly name: string = 'ResponseTooLargeError';
  /** The cap that was passed, in bytes. */
  readonly limitBytes: number;

  constructor(message: string, init: NoResponseErrorInit & { readonly limitBytes: number }) {
    super(message, init);
    this.limitBytes = init.limitBytes;
  }
}

/**
 * True for any error thrown by the SDK, from this copy or any other (ESM and CommonJS builds, or
 * another version bundled into the app): it checks the SDK's registered brand, not `instanceof`.
 */
export function isPusherError(error: unknown): error is PusherError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { [PUSHER_ERROR_BRAND]?: unknown })[PUSHER_ERROR_BRAND] === true
  );
}
