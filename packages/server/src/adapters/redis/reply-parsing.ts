/**
 * @module adapters/redis/reply-parsing
 * Narrowing of untyped Redis replies (script results) into the shapes the adapter expects; a reply
 * of another shape is a fault like a lost connection (the adapter falls back and resynchronizes).
 */

/** A reply that did not have the expected shape. */
export class UnexpectedReplyError extends Error {
  override readonly name = 'UnexpectedReplyError';
}

export function replyArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new UnexpectedReplyError(`${what}: expected an array`);
  return value;
}

export function replyInt(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw new UnexpectedReplyError(`${what}: expected an integer`);
}

export function replyString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw new UnexpectedReplyError(`${what}: expected a string`);
}

/** Parses stored user_info JSON; an unreadable value becomes null rather than failing a query. */
export function parseUserInfo(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return null;
  }
}
