/**
 * @module version
 * The SDK version, sent in the `X-Pusher-Library` header of every REST request.
 */

/** The version of `@pushwire/sdk` (kept in step with package.json). */
export const VERSION = '0.1.0';

/** Value of the `X-Pusher-Library` request header. */
export const LIBRARY_HEADER_VALUE = `pushwire-sdk ${VERSION}`;
