/**
 * @module crypto/hmac
 * HMAC-SHA256 (RFC 2104), synchronous, hex output: the primitive behind every Pusher signature
 * (REST requests, channel auth, user auth, webhooks).
 */
import { nodeCrypto } from '../runtime/node-crypto';
import { bytesToHex, toBytes, utf8Encode } from './encoding';
import { sha256Pure } from './sha256';

const BLOCK_BYTES = 64;

/** Pure HMAC-SHA256 (exported for tests and for runtimes without node:crypto). */
export function hmacSha256Pure(key: Uint8Array, message: Uint8Array): Uint8Array {
  const k = key.length > BLOCK_BYTES ? sha256Pure(key) : key;
  const inner = new Uint8Array(BLOCK_BYTES + message.length);
  const outer = new Uint8Array(BLOCK_BYTES + 32);
  for (let i = 0; i < BLOCK_BYTES; i++) {
    const byte = k[i] ?? 0;
    inner[i] = byte ^ 0x36;
    outer[i] = byte ^ 0x5c;
  }
  inner.set(message, BLOCK_BYTES);
  outer.set(sha256Pure(inner), BLOCK_BYTES);
  return sha256Pure(outer);
}

/**
 * Lower-case hex HMAC-SHA256 of `message` under `secret` (strings are UTF-8). A caller that signs
 * often with one secret passes its UTF-8 bytes, encoded once and held by that caller (node:crypto
 * would otherwise copy a string key on every call); no secret is kept in module state.
 */
export function hmacSha256Hex(secret: string | Uint8Array, message: string | Uint8Array): string {
  if (nodeCrypto) {
    const key = typeof secret === 'string' ? utf8Encode(secret) : secret;
    return nodeCrypto.createHmac('sha256', key).update(message).digest('hex');
  }
  return bytesToHex(hmacSha256Pure(toBytes(secret), toBytes(message)));
}
