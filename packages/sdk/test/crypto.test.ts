// The synchronous crypto core: RFC/FIPS vectors for the pure code, cross-checked against node:crypto.
import { createHash, createHmac, randomBytes as nodeRandom } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, bytesToHex, utf8Encode } from '../src/crypto/encoding';
import { hmacSha256Hex, hmacSha256Pure } from '../src/crypto/hmac';
import { md5Hex, md5Pure } from '../src/crypto/md5';
import { sha256Pure } from '../src/crypto/sha256';
import { timingSafeEqual } from '../src/crypto/timing-safe-equal';

const hex = (b: Uint8Array) => bytesToHex(b);

describe('md5 (RFC 1321 test suite)', () => {
  const suite: [string, string][] = [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    [
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
      'd174ab98d277d9f5a5611c2c9f419d9f',
    ],
    [
      '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
      '57edf4a22be3c955ac49da2e2107b67a',
    ],
  ];
  it.each(suite)('md5(%j)', (input, expected) => {
    expect(hex(md5Pure(utf8Encode(input)))).toBe(expected);
    expect(md5Hex(input)).toBe(expected);
  });
  it('matches node:crypto on random inputs of every length around block edges', () => {
    for (let n = 0; n < 300; n++) {
      const data = new Uint8Array(nodeRandom(n));
      expect(hex(md5Pure(data))).toBe(createHash('md5').update(data).digest('hex'));
    }
  });
  it('hashes the UTF-8 bytes of strings', () => {
    expect(md5Hex('ą§¶™€')).toBe(createHash('md5').update('ą§¶™€', 'utf8').digest('hex'));
    expect(md5Hex('Hello!')).toBe('952d2c56d0485958336747bcdd98590d');
  });
});

describe('sha256 and hmac-sha256', () => {
  it('FIPS 180-4 vectors', () => {
    expect(hex(sha256Pure(utf8Encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hex(sha256Pure(utf8Encode('')))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(
      hex(sha256Pure(utf8Encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    ).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });
  it('pure sha256 and hmac match node:crypto across lengths and key sizes', () => {
    for (let n = 0; n < 200; n++) {
      const data = new Uint8Array(nodeRandom(n));
      const key = new Uint8Array(nodeRandom((n * 7) % 150));
      expect(hex(sha256Pure(data))).toBe(createHash('sha256').update(data).digest('hex'));
      expect(hex(hmacSha256Pure(key, data))).toBe(
        createHmac('sha256', key).update(data).digest('hex'),
      );
    }
  });
  it('the published Go vector', () => {
    expect(hmacSha256Hex('supersecret', 'Hello!')).toBe(
      '64e3f44166575febbc5de88c9476325ea7d4b3684752158d9fdb31fce34b980d',
    );
    expect(hex(hmacSha256Pure(utf8Encode('supersecret'), utf8Encode('Hello!')))).toBe(
      '64e3f44166575febbc5de88c9476325ea7d4b3684752158d9fdb31fce34b980d',
    );
  });
});

describe('encoding', () => {
  it('base64 round-trips and matches Buffer', () => {
    for (let n = 0; n < 70; n++) {
      const data = new Uint8Array(nodeRandom(n));
      const b64 = bytesToBase64(data);
      expect(b64).toBe(Buffer.from(data).toString('base64'));
      expect(base64ToBytes(b64)).toEqual(data);
    }
  });
  it('rejects invalid base64', () => {
    expect(base64ToBytes('a')).toBeUndefined();
    expect(base64ToBytes('ab$d')).toBeUndefined();
    expect(base64ToBytes('ab cd')).toBeUndefined();
  });
});

describe('timingSafeEqual', () => {
  it('compares strings exactly', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'abcd')).toBe(false);
    expect(timingSafeEqual('', '')).toBe(true);
    expect(timingSafeEqual('', 'a')).toBe(false);
  });
});

describe('hmacSha256Hex key cache', () => {
  it('gives the right answer when secrets alternate (strings, equal copies, bytes, non-ASCII)', () => {
    const secrets = ['secret-a', 'secret-b', `${'secret-'}a`, 'sécret-ü-😀', '', 'x'.repeat(100)];
    for (let round = 0; round < 3; round++) {
      for (const secret of secrets) {
        const message = `m:${round}:${secret.length}`;
        const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
          .update(message)
          .digest('hex');
        expect(hmacSha256Hex(secret, message)).toBe(expected);
        expect(hmacSha256Hex(new TextEncoder().encode(secret), message)).toBe(expected);
      }
    }
  });
});
