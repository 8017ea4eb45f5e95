/**
 * @module crypto/random
 * Cryptographically secure random bytes from Web Crypto's getRandomValues (every runtime has it).
 */

/** `length` random bytes. */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}
