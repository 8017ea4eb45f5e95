/**
 * @module adapters/adapter-errors
 * Typed errors raised by adapters for calls the contract does not allow (a programming error in
 * the caller, never a cluster fault: cluster faults are reported through `health()` instead).
 */

import { PushwireServerError } from '../server-error';

/** A call broke the adapter contract (e.g. used before `start()`, or a socket joining as two users). */
export class AdapterUsageError extends PushwireServerError {
  override readonly name = 'AdapterUsageError';
}

/** An adapter was constructed with invalid options; the message names the option. */
export class AdapterConfigError extends PushwireServerError {
  override readonly name = 'AdapterConfigError';
}
