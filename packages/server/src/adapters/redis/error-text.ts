/**
 * @module adapters/redis/error-text
 * The text of a Redis error that is safe for logs and health reports: credentials in a URL are
 * masked. Free of ioredis, so the app store (loaded without the adapter) shares it.
 */

/** Error text safe for logs and health: credentials in a URL are masked. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\/\/[^@\s/]*@/g, '//***@');
}
