/**
 * @module crypto/timing-safe-equal
 * Constant-time string comparison for signatures: the time taken depends only on the lengths.
 */

/** True when `a` and `b` are identical; compares every character whatever the first difference. */
export function timingSafeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) {
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}
