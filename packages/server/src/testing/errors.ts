/**
 * @module testing/errors
 * The errors of `@pushwire/server/testing`: a wait that found nothing before its deadline
 * ({@link CaptureTimeoutError}, naming the filter and what was captured instead) and a misuse or
 * a missing optional dependency ({@link TestServerError}). Neither ever carries the app secret.
 */

import { PushwireServerError } from '../server-error';

/** `nextEvent()` / `nextWebhook()` found no match within its deadline. */
export class CaptureTimeoutError extends PushwireServerError {
  override readonly name = 'CaptureTimeoutError';
  /** What was awaited: a published event or a webhook event. */
  readonly kind: 'event' | 'webhook';
  /** The filter, as text (e.g. `{ channel: "orders", name: "created" }`). */
  readonly filter: string;
  readonly timeoutMs: number;

  constructor(kind: 'event' | 'webhook', filter: string, timeoutMs: number, detail: string) {
    super(`No ${kind} matching ${filter} within ${timeoutMs} ms; ${detail}`);
    this.kind = kind;
    this.filter = filter;
    this.timeoutMs = timeoutMs;
  }
}

/** A test-server call that cannot be done: closed server, webhooks off, pusher-js missing, ... */
export class TestServerError extends PushwireServerError {
  override readonly name = 'TestServerError';
}
