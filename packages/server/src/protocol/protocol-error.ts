/**
 * @module protocol/protocol-error
 * A protocol-level failure as data: the message the client sees in `pusher:error`, the Pusher code
 * in that frame (or null, as the official server sends for subscription problems), a stable string
 * code for logs and metrics, and whether the connection must be closed with that code.
 */

import { PushwireServerError } from '../server-error';

/** Stable identifiers for metrics (`pushwire_errors_total{kind}`) and logs. Never reuse a retired one. */
export type ProtocolErrorKind =
  | 'malformed_json'
  | 'message_too_deep'
  | 'invalid_message'
  | 'binary_frame'
  | 'frame_too_large'
  | 'unknown_event'
  | 'invalid_channel'
  | 'subscription_auth'
  | 'subscription_limit'
  | 'client_event_rejected'
  | 'client_event_rate_limited'
  | 'signin_failed'
  | 'unauthorized';

export class ProtocolError extends PushwireServerError {
  override readonly name = 'ProtocolError';
  /** Code carried in the `pusher:error` frame (`null` where Pusher sends null). */
  readonly code: number | null;
  readonly kind: ProtocolErrorKind;
  /** When true the connection is closed with `code` after the error frame. */
  readonly fatal: boolean;

  constructor(
    kind: ProtocolErrorKind,
    message: string,
    code: number | null,
    options: { fatal?: boolean } = {},
  ) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.fatal = options.fatal ?? false;
  }
}
