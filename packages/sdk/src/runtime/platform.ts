/**
 * @module runtime/platform
 * Which JavaScript runtime the SDK runs on, to pick the transport: Node gets the keep-alive
 * `node:net`/`node:tls` HTTP/1.1 transport; Bun, Deno, Workers and edge runtimes get `fetch`.
 */

export type RuntimeName = 'node' | 'bun' | 'deno' | 'other';

/** The current runtime. */
export function detectRuntime(): RuntimeName {
  const globals = globalThis as {
    Bun?: unknown;
    Deno?: unknown;
    process?: { versions?: { node?: string; bun?: string } };
  };
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
