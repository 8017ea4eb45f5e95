/**
 * @module crypto
 * The SDK's synchronous crypto: SHA-256, HMAC-SHA256, MD5, encodings, constant-time compare.
 */
export {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  toBytes,
  utf8Decode,
  utf8Encode,
} from './encoding';
export { hmacSha256Hex } from './hmac';
export { md5Hex } from './md5';
export { randomBytes } from './random';
export { sha256 } from './sha256';
export { timingSafeEqual } from './timing-safe-equal';
