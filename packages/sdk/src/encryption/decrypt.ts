/**
 * @module encryption/decrypt
 * Opens data sealed by `encryptData` (or by any Pusher SDK) for a `private-encrypted-*` channel.
 * A malformed envelope or a failed authentication (tampering, wrong key or channel) throws a
 * PusherError; nothing is ever returned unauthenticated.
 */
import nacl from 'tweetnacl';
import { base64ToBytes, utf8Decode } from '../crypto/encoding';
import { PusherError } from '../errors';
import { sharedSecretBytes } from '../signing/auth';
import { assertMasterKey } from './master-key';

/** Thrown when encrypted data cannot be opened. */
export class DecryptionError extends PusherError {
  override readonly name: string = 'DecryptionError';
}

function field(envelope: Record<string, unknown>, name: 'nonce' | 'ciphertext'): Uint8Array {
  const value = envelope[name];
  const bytes = typeof value === 'string' ? base64ToBytes(value) : undefined;
  if (bytes === undefined) {
    throw new DecryptionError(`Encrypted data has no valid base64 '${name}'`);
  }
  return bytes;
}

/** The plaintext of `data` (a `{"nonce","ciphertext"}` JSON string) on `channel`. */
export function decryptData(channel: string, data: string, masterKey: Uint8Array): string {
  assertMasterKey(masterKey);
  let envelope: unknown;
  try {
    envelope = JSON.parse(data);
  } catch {
    throw new DecryptionError('Encrypted data is not JSON');
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    throw new DecryptionError('Encrypted data must be a {"nonce","ciphertext"} object');
  }
  const record = envelope as Record<string, unknown>;
  const nonce = field(record, 'nonce');
  const ciphertext = field(record, 'ciphertext');
  if (nonce.length !== nacl.secretbox.nonceLength) {
    throw new DecryptionError(
      `Encrypted data has a ${nonce.length}-byte nonce; expected ${nacl.secretbox.nonceLength}`,
    );
  }
  const plaintext = nacl.secretbox.open(ciphertext, nonce, sharedSecretBytes(channel, masterKey));
  if (plaintext === null) {
    throw new DecryptionError(
      `Encrypted data for channel '${channel}' failed authentication (tampered, or another key)`,
    );
  }
  return utf8Decode(plaintext);
}
