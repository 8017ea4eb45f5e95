/**
 * @module server-error
 * The base class of every error the server throws (configuration, lifecycle, protocol, HTTP,
 * adapter and testing errors), so that `error instanceof PushwireServerError` tells a server error
 * from anything else; and the lifecycle error of `listen()` / `attach()` on a server in the wrong
 * state.
 */

/** Base of every error thrown by @pushwire/server. Messages never contain a secret. */
export class PushwireServerError extends Error {
  override readonly name: string = 'PushwireServerError';
}

/** `listen()` or `attach()` called on a server that is closed, or already listening or attached. */
export class ServerStateError extends PushwireServerError {
  override readonly name = 'ServerStateError';
  readonly code = 'PUSHWIRE_ERR_SERVER_STATE';
}
