/**
 * @module errors
 * The SDK's error classes. Every error is a PusherError; none ever carries a secret, a signature
 * or a signed URL in its message or fields.
 */

/** Base class of every error the SDK throws or rejects with. */
export class PusherError extends Error {
  override readonly name: string = 'PusherError';
}

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
