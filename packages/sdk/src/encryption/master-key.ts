/**
 * @module encryption/master-key
 * Parses the end-to-end encryption master key: base64 text that must decode to exactly 32 bytes.
 * Error messages describe the problem without ever repeating the key.
 */
import { base64ToBytes } from '../crypto/encoding';
import { ConfigurationError } from '../errors';

/** Length of the master key, in bytes (a secretbox key). */
export const MASTER_KEY_BYTES = 32;

const OPTION = 'encryptionMasterKeyBase64';
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

/** The 32 key bytes of `base64` (surrounding whitespace ignored), or a ConfigurationError. */
export function parseMasterKey(base64: string): Uint8Array {
  if (typeof base64 !== 'string') {
    throw new ConfigurationError(OPTION, `${OPTION} must be a base64 string`);
  }
  const text = base64.trim();
  const bytes = BASE64_PATTERN.test(text) ? base64ToBytes(text) : undefined;
  if (bytes === undefined || text.length === 0) {
    throw new ConfigurationError(OPTION, `${OPTION} is not valid base64`);
  }
  if (bytes.length !== MASTER_KEY_BYTES) {
    throw new ConfigurationError(
      OPTION,
      `${OPTION} must decode to ${MASTER_KEY_BYTES} bytes, got ${bytes.length}; ` +
        'generate one with `openssl rand -base64 32`',
    );
  }
  return bytes;
}

/**
 * Throws a ConfigurationError unless `masterKey` is a non-empty byte array. The 32-byte rule is
 * enforced where keys enter the SDK (`parseMasterKey`); seal and open accept any length, as the
 * Go SDK does, because the key is hashed with the channel name before use.
 */
export function assertMasterKey(masterKey: unknown): asserts masterKey is Uint8Array {
  if (!(masterKey instanceof Uint8Array) || masterKey.length === 0) {
    throw new ConfigurationError(
      OPTION,
      'The encryption master key must be a non-empty Uint8Array',
    );
  }
}
