/**
 * @module runtime/platform
 * Which JavaScript runtime the SDK runs on, to pick the transport: Node gets the keep-alive
 * `node:net`/`node:tls` HTTP/1.1 transport; Bun, Deno, Workers and edge runtimes get `fetch`.
 * Cloudflare Workers (workerd) and Vercel's Edge Runtime are recognized first: with Node
 * compatibility on (workerd's default since its 2026-08-04 compatibility date) they report a Node
 * version and serve `node:net`, but sockets there cannot be kept alive across requests.
 */

export type RuntimeName = 'node' | 'bun' | 'deno' | 'workerd' | 'edge-light' | 'other';

/** The current runtime. */
export function detectRuntime(): RuntimeName {
  const globals = globalThis as {
    Bun?: unknown;
    Deno?: unknown;
    EdgeRuntime?: unknown;
    navigator?: { userAgent?: unknown };
    process?: { versions?: { node?: string; bun?: string } };
  };
  if (globals.navigator?.userAgent === 'Cloudflare-Workers') return 'workerd';
  if (typeof globals.EdgeRuntime === 'string') return 'edge-light';
  if (globals.Bun !== undefined || globals.process?.versions?.bun !== undefined) return 'bun';
  if (globals.Deno !== undefined) return 'deno';
  if (typeof globals.process?.versions?.node === 'string') return 'node';
  return 'other';
}

/** A Node built-in module through `process.getBuiltinModule` (never a static import). */
export function getBuiltinModule<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}
