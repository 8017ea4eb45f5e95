/**
 * @module http/http-status-error
 * "Answer with this status": an HTTP failure with its status and a client-facing explanation,
 * answered as `{"error": "<message>"}` (not to be confused with the SDK's `NoResponseError`, alias
 * `HTTPError`, which means no answer came). Messages never contain a secret or an expected signature.
 */

import { PushwireServerError } from '../server-error';

/** Thrown inside request handling; the handler turns it into a JSON error response. */
export class HttpStatusError extends PushwireServerError {
  override readonly name = 'HttpStatusError';
  readonly status: number;
  /** Extra response headers (e.g. `Allow` on 405). */
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** The `kind` label of `pushwire_refusals_total` (`http_<status>` unless a cause is named). */
  readonly refusalKind: string;

  constructor(
    status: number,
    message: string,
    headers?: Readonly<Record<string, string>>,
    refusalKind = `http_${status}`,
  ) {
    super(message);
    this.status = status;
    this.headers = headers;
    this.refusalKind = refusalKind;
  }
}

/** 400: the request body or query is malformed or breaks a rule. */
export function badRequest(message: string): HttpStatusError {
  return new HttpStatusError(400, message);
}

/** 413: the body or an event's data is larger than the app allows. */
export function payloadTooLarge(message: string): HttpStatusError {
  return new HttpStatusError(413, message);
}

/** The client went away before the body was complete: nothing can be answered. */
export class RequestAbortedError extends PushwireServerError {
  override readonly name = 'RequestAbortedError';
}
