/**
 * @module bench/lib/control
 * A control channel to a server process over its stdin/stdout, one JSON request per line, that
 * works the same on Node and Bun (no IPC channel needed): the server side `serveControl(handlers)`
 * answers `{ id, cmd, ...args }` lines with `@@bench {"id", "result"|"error"}` lines; the
 * orchestrator side `controlClient(child)` sends requests and waits for those answers.
 * Lines on stdout without the marker (the server's own logs) are passed through to stderr.
 */
import { createInterface } from 'node:readline';

const MARKER = '@@bench ';

/** Free memory the runtime can free, as far as it lets us: Node with --expose-gc, Bun always. */
export function collectGarbage() {
  if (globalThis.Bun) {
    globalThis.Bun.gc(true);
    return true;
  }
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
    return true;
  }
  return false;
}

/** Write one control line (also used to announce `{ listening: port }`). */
export function announce(message) {
  process.stdout.write(`${MARKER}${JSON.stringify(message)}\n`);
}

/** In a server process: answer control requests on stdin; exit when stdin closes. */
export function serveControl(handlers) {
  const all = { gc: () => collectGarbage(), ...handlers };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', async (line) => {
    if (line.trim() === '') return;
    const message = JSON.parse(line);
    try {
      const handler = all[message.cmd];
      if (!handler) throw new Error(`unknown command ${message.cmd}`);
      announce({ id: message.id, result: (await handler(message)) ?? true });
    } catch (error) {
      announce({ id: message.id, error: String(error?.stack ?? error) });
    }
  });
  lines.on('close', () => process.exit(0));
}

/**
 * For the orchestrator: `{ call, listening }` for a child spawned with piped stdin/stdout.
 * `listening` resolves with the port the server announced; `call(cmd, args)` with its answer.
 */
export function controlClient(child, timeoutMs = 120_000) {
  let nextId = 1;
  const pending = new Map();
  let resolveListening;
  let rejectListening;
  const listening = new Promise((resolve, reject) => {
    resolveListening = resolve;
    rejectListening = reject;
  });
  listening.catch(() => {}); // Servers that announce nothing (soketi) are awaited another way.
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (!line.startsWith(MARKER)) {
      if (process.env.BENCH_VERBOSE) process.stderr.write(`  [server] ${line}\n`);
      return;
    }
    const message = JSON.parse(line.slice(MARKER.length));
    if (message.listening !== undefined) return resolveListening(message.listening);
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    clearTimeout(entry.timer);
    if (message.error) entry.reject(new Error(message.error));
    else entry.resolve(message.result);
  });
  child.on('exit', (code, signal) => {
    const error = new Error(`server exited (${signal ?? code})`);
    rejectListening(error);
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  });
  const call = (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${cmd} timed out`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      child.stdin.write(`${JSON.stringify({ id, cmd, ...args })}\n`);
    });
  return { call, listening };
}
