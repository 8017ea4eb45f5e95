/**
 * @module crypto/md5
 * MD5 (RFC 1321), used only for the REST API's `body_md5`. Web Crypto has no MD5, so a pure
 * implementation backs runtimes without node:crypto.
 */
import { nodeCrypto } from '../runtime/node-crypto';
import { bytesToHex, toBytes } from './encoding';

const S = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14,
  20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6,
  10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];
const T = new Int32Array(64).map((_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0);
const X = new Int32Array(16);

function process64(state: Int32Array, block: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    X[i] = block[j]! | (block[j + 1]! << 8) | (block[j + 2]! << 16) | (block[j + 3]! << 24);
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const sum = (a + f + T[i]! + X[g]!) | 0;
    const s = S[i]!;
    a = d;
    d = c;
    c = b;
    b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
}

/** Pure MD5 of bytes (exported for tests and for runtimes without node:crypto). */
export function md5Pure(message: Uint8Array): Uint8Array {
  const state = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
  const fullBlocks = Math.floor(message.length / 64);
  for (let i = 0; i < fullBlocks; i++) process64(state, message, i * 64);
  const restLength = message.length - fullBlocks * 64;
  const tail = new Uint8Array(restLength < 56 ? 64 : 128);
  tail.set(message.subarray(fullBlocks * 64));
  tail[restLength] = 0x80;
  const bitLength = message.length * 8;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, bitLength >>> 0, true);
  view.setUint32(tail.length - 4, Math.floor(bitLength / 0x100000000), true);
  for (let i = 0; i < tail.length; i += 64) process64(state, tail, i);
  const out = new Uint8Array(16);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) outView.setInt32(i * 4, state[i]!, true);
  return out;
}

/** Lower-case hex MD5 of a UTF-8 string or bytes. */
export function md5Hex(data: string | Uint8Array): string {
  if (nodeCrypto) return nodeCrypto.createHash('md5').update(data).digest('hex');
  return bytesToHex(md5Pure(toBytes(data)));
}
