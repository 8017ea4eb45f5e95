/**
 * @module runtime/env
 * Reads environment variables on Node, Bun and Deno; undefined elsewhere (Workers, edge).
 */

interface DenoEnv {
  env?: { get?: (name: string) => string | undefined };
}

/** The value of environment variable `name`, or undefined when unset or unreadable. */
export function readEnv(name: string): string | undefined {
  const globals = globalThis as {
    process?: { env?: Record<string, string | undefined> };
    Deno?: DenoEnv;
  };
  try {
    const fromProcess = globals.process?.env?.[name];
    if (fromProcess !== undefined) return fromProcess;
    return globals.Deno?.env?.get?.(name);
  } catch {
    // Deno without --allow-env throws: treat as unset.
    return undefined;
  }
}
