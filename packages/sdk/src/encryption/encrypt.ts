/**
 * @module encryption/encrypt
 * Seals event data for a `private-encrypted-*` channel: tweetnacl secretbox (XSalsa20-Poly1305)
 * under SHA-256(channel ‖ masterKey) with a fresh 24-byte random nonce, encoded as the JSON string
 * `{"nonce":"<base64>","ciphertext":"<base64>"}` that pusher-js decrypts.
 */
import nacl from 'tweetnacl';
import { bytesToBase64, utf8Encode } from '../crypto/encoding';
import { randomBytes } from '../crypto/random';
import { sharedSecretBytes } from '../signing/auth';
import { assertMasterKey } from './master-key';

/** The encrypted `data` string for `channel`; `data` is encrypted as it is (no extra JSON quoting). */
export function encryptData(channel: string, data: string, masterKey: Uint8Array): string {
  assertMasterKey(masterKey);
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  const key = sharedSecretBytes(channel, masterKey);
  const ciphertext = nacl.secretbox(utf8Encode(data), nonce, key);
  return JSON.stringify({ nonce: bytesToBase64(nonce), ciphertext: bytesToBase64(ciphertext) });
}
