/**
 * @module channels/subscription-error
 * A refused subscription. The client gets soketi's `pusher:subscription_error` on the channel
 * (`{"type","error","status"}`, which pusher-js and Laravel Echo surface on the channel) and the
 * official `pusher:error` with `code: null`. The socket is never closed for it.
 */

import { ProtocolError, type ProtocolErrorKind } from '../protocol/protocol-error';

export type SubscriptionErrorType = 'AuthError' | 'LimitReached' | 'InvalidChannel';

export class SubscriptionError extends ProtocolError {
  readonly type: SubscriptionErrorType;
  /** HTTP-like for auth (401), Pusher code for limits (4100 members, 4301 sizes), 4009 names. */
  readonly status: number;

  constructor(
    kind: ProtocolErrorKind,
    type: SubscriptionErrorType,
    status: number,
    message: string,
  ) {
    super(kind, message, null);
    this.type = type;
    this.status = status;
  }
}

export function authError(message: string): SubscriptionError {
  return new SubscriptionError('subscription_auth', 'AuthError', 401, message);
}
