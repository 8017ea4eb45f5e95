/**
 * @module test/encryption
 * End-to-end encryption: master key parsing, the Go decryption vector (§3.4), and round trips
 * against an independent implementation (tweetnacl used directly, with node:crypto SHA-256).
 */
import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../src/crypto/encoding';
import { DecryptionError, decryptData } from '../src/encryption/decrypt';
import { encryptData } from '../src/encryption/encrypt';
import { parseMasterKey } from '../src/encryption/master-key';
import { ConfigurationError, PusherError } from '../src/errors';

const MASTER_BASE64 = 'zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=';
const master = parseMasterKey(MASTER_BASE64);
const CHANNEL = 'private-encrypted-room';

/** The per-channel key computed independently of the SDK. */
function channelKey(channel: string, masterKey: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(channel).update(masterKey).digest());
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseMasterKey', () => {
  it('decodes a 32-byte base64 key (whitespace around it ignored)', () => {
    expect(master).toEqual(new Uint8Array(Buffer.from(MASTER_BASE64, 'base64')));
    expect(parseMasterKey(` ${MASTER_BASE64}\n`)).toEqual(master);
  });

  it.each([
    ['short', Buffer.alloc(31, 7).toString('base64'), /must decode to 32 bytes, got 31/],
    ['long', Buffer.alloc(33, 7).toString('base64'), /must decode to 32 bytes, got 33/],
    ['raw 32 characters', 'This is a string that is 32 char', /not valid base64|32 bytes/],
    ['invalid characters', `${MASTER_BASE64.slice(0, -2)}!=`, /not valid base64/],
    ['url-safe alphabet', MASTER_BASE64.replace('/', '_'), /not valid base64/],
    ['empty', '', /not valid base64/],
  ])('rejects %s with a ConfigurationError that never shows the key', (_label, text, message) => {
    const error = thrown(() => parseMasterKey(text));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe('encryptionMasterKeyBase64');
    expect((error as Error).message).toMatch(message);
    if (text.length > 0) expect((error as Error).message).not.toContain(text);
    expect(JSON.stringify(error)).not.toContain(text || '\u0000');
  });

  it('rejects a non-string', () => {
    expect(() => parseMasterKey(undefined as unknown as string)).toThrow(ConfigurationError);
  });
});

describe('encryptData / decryptData', () => {
  it('produces {"nonce","ciphertext"} with a 24-byte nonce and a 16-byte MAC', () => {
    const sealed = JSON.parse(encryptData(CHANNEL, 'Hello!', master)) as Record<string, string>;
    expect(Object.keys(sealed)).toEqual(['nonce', 'ciphertext']);
    expect(Buffer.from(sealed['nonce']!, 'base64')).toHaveLength(24);
    expect(Buffer.from(sealed['ciphertext']!, 'base64')).toHaveLength(6 + 16);
  });

  it('uses a fresh nonce every time', () => {
    const nonces = new Set(
      Array.from(
        { length: 20 },
        () => (JSON.parse(encryptData(CHANNEL, 'x', master)) as { nonce: string }).nonce,
      ),
    );
    expect(nonces.size).toBe(20);
  });

  it('round trip: ours seals, tweetnacl + node:crypto open', () => {
    const plaintext = '{"message":"héllo ✓ 😀"}';
    const sealed = JSON.parse(encryptData(CHANNEL, plaintext, master)) as {
      nonce: string;
      ciphertext: string;
    };
    const opened = nacl.secretbox.open(
      new Uint8Array(Buffer.from(sealed.ciphertext, 'base64')),
      new Uint8Array(Buffer.from(sealed.nonce, 'base64')),
      channelKey(CHANNEL, master),
    );
    expect(opened).not.toBeNull();
    expect(Buffer.from(opened!).toString('utf8')).toBe(plaintext);
  });

  it('round trip: tweetnacl + node:crypto seal, ours opens', () => {
    const nonce = new Uint8Array(nodeRandomBytes(24));
    const box = nacl.secretbox(utf8Encode('"just a string"'), nonce, channelKey(CHANNEL, master));
    const data = JSON.stringify({
      nonce: Buffer.from(nonce).toString('base64'),
      ciphertext: Buffer.from(box).toString('base64'),
    });
    expect(decryptData(CHANNEL, data, master)).toBe('"just a string"');
  });

  it('encrypts a string as it is (no extra JSON quoting, like Ruby and Go)', () => {
    expect(decryptData(CHANNEL, encryptData(CHANNEL, 'plain', master), master)).toBe('plain');
    expect(decryptData(CHANNEL, encryptData(CHANNEL, '', master), master)).toBe('');
  });

  it('decrypts the Go vector (33-byte key)', () => {
    const key = utf8Encode('This is a string that is 32 chars');
    const data =
      '{"nonce":"sjklahvpWWQgAjTx5FfYHCCxd2AmaL9T","ciphertext":"zoDEe8dA3nDXKsybAWce/hXGW4szJw=="}';
    expect(decryptData('private-encrypted-bla', data, key)).toBe('Hello!');
  });

  it('refuses tampered ciphertext, another channel and another key', () => {
    const sealed = JSON.parse(encryptData(CHANNEL, 'secret text', master)) as {
      nonce: string;
      ciphertext: string;
    };
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[bytes.length - 1]! ^= 1;
    const tampered = JSON.stringify({ nonce: sealed.nonce, ciphertext: bytes.toString('base64') });
    for (const attempt of [
      () => decryptData(CHANNEL, tampered, master),
      () => decryptData('private-encrypted-other', JSON.stringify(sealed), master),
      () => decryptData(CHANNEL, JSON.stringify(sealed), new Uint8Array(32)),
    ]) {
      const error = thrown(attempt);
      expect(error).toBeInstanceOf(DecryptionError);
      expect(error).toBeInstanceOf(PusherError);
      expect((error as Error).message).toMatch(/failed authentication/);
    }
  });

  it.each([
    ['not JSON', 'nope', /not JSON/],
    ['an array', '[]', /must be a/],
    ['null', 'null', /must be a/],
    ['no nonce', '{"ciphertext":"AAAA"}', /'nonce'/],
    ['a numeric ciphertext', '{"nonce":"AAAA","ciphertext":5}', /'ciphertext'/],
    ['bad base64', '{"nonce":"!!!!","ciphertext":"AAAA"}', /'nonce'/],
    ['a short nonce', '{"nonce":"AAAA","ciphertext":"AAAA"}', /3-byte nonce/],
    [
      'a short ciphertext',
      `{"nonce":"${'A'.repeat(32)}","ciphertext":"AAAA"}`,
      /failed authentication/,
    ],
  ])('refuses an envelope that is %s', (_label, data, message) => {
    const error = thrown(() => decryptData(CHANNEL, data, master));
    expect(error).toBeInstanceOf(DecryptionError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a missing or empty master key with a ConfigurationError', () => {
    expect(() => encryptData(CHANNEL, 'x', new Uint8Array(0))).toThrow(ConfigurationError);
    expect(() => decryptData(CHANNEL, '{}', undefined as unknown as Uint8Array)).toThrow(
      ConfigurationError,
    );
  });
});
