/**
 * @module bench/lib/rpc
 * Request/response over a forked child's IPC channel, shared by the multi-process benchmarks:
 * the orchestrator calls `rpcClient(child)(cmd, args)`, the child answers with `serveRpc(handlers)`.
 */

/** A caller for `child`: `call(cmd, args)` resolves with the handler's result or rejects. */
export function rpcClient(child, timeoutMs = 60_000) {
  let nextId = 1;
  const pending = new Map();
  child.on('message', (message) => {
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    clearTimeout(entry.timer);
    if (message.error) entry.reject(new Error(message.error));
    else entry.resolve(message.result);
  });
  child.on('exit', (code) => {
    for (const entry of pending.values()) entry.reject(new Error(`child exited with ${code}`));
    pending.clear();
  });
  return (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${cmd} timed out`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      child.send({ id, cmd, ...args });
    });
}

/**
 * In a child: answer each request `{ id, cmd, ...args }` with `handlers[cmd](message)`, and exit
 * when the IPC channel to the orchestrator closes.
 */
export function serveRpc(handlers) {
  exitWithParent();
  process.on('message', async (message) => {
    if (message.id === undefined) return;
    try {
      process.send({ id: message.id, result: await handlers[message.cmd](message) });
    } catch (error) {
      process.send({ id: message.id, error: String(error?.stack ?? error) });
    }
  });
}

/** In a child: exit as soon as the orchestrator goes away (killed, timed out or crashed). */
export function exitWithParent() {
  process.on('disconnect', () => process.exit(0));
}
