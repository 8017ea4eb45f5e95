/**
 * @module runtime/node-crypto
 * Optional fast path: `node:crypto` obtained through `process.getBuiltinModule` (Node >= 20.16,
 * Bun, Deno). Never imported statically, so bundlers for Workers and Vercel Edge see no Node
 * built-in; where it is missing the pure implementations in `src/crypto/` are used.
 */

interface NodeDigest {
  update(data: string | Uint8Array): NodeDigest;
  digest(encoding: 'hex'): string;
  digest(): Uint8Array;
}

/** The small part of `node:crypto` the SDK uses. */
export interface NodeCryptoLike {
  createHmac(algorithm: 'sha256', key: string | Uint8Array): NodeDigest;
  createHash(algorithm: 'sha256' | 'md5'): NodeDigest;
}

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => unknown;
}

function loadNodeCrypto(): NodeCryptoLike | undefined {
  try {
    const proc = (globalThis as { process?: ProcessWithBuiltins }).process;
    const mod = proc?.getBuiltinModule?.('node:crypto') as Partial<NodeCryptoLike> | undefined;
    if (mod && typeof mod.createHmac === 'function' && typeof mod.createHash === 'function') {
      return mod as NodeCryptoLike;
    }
  } catch {
    // A runtime that refuses built-ins falls back to the pure implementations.
  }
  return undefined;
}

/** `node:crypto` when the runtime offers it, else undefined. Resolved once. */
export const nodeCrypto: NodeCryptoLike | undefined = loadNodeCrypto();
