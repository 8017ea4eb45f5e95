/**
 * @module webhooks/errors
 * The error a webhook that fails verification or parsing throws, with a machine-readable reason.
 * Never carries the secret, the received signature or the expected signature.
 */
import { PusherError } from '../errors';

/** Why a webhook was rejected. */
export type WebhookErrorReason =
  | 'missing_headers'
  | 'unknown_key'
  | 'bad_signature'
  | 'malformed_body'
  | 'stale';

/** A webhook is not valid; `reason` says which check failed. */
export class WebhookError extends PusherError {
  override readonly name: string = 'WebhookError';
  readonly reason: WebhookErrorReason;

  constructor(reason: WebhookErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}
