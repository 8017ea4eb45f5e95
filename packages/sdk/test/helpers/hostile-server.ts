/**
 * @module test/helpers/hostile-server
 * A hostile HTTP/1.1 server in a child process (a real `node:net` server on 127.0.0.1:0): to every
 * request it answers 200 with a chunked body of exactly the bytes asked for, cut into chunks of
 * `chunkBytes` bytes (1 = one byte per chunk), written with backpressure; a request whose path
 * contains `warm-up` gets `{}` instead. Running it in its own process keeps its buffers out of
 * the memory the tests measure in the SDK's process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';

/** The body: the UTF-8 bytes of each `text` repeated `times`, in order. */
export interface HostileBodySpec {
  readonly parts: readonly { readonly text: string; readonly times: number }[];
  /** Body bytes per chunk. */
  readonly chunkBytes: number;
}

export interface HostileServer {
  readonly host: string;
  readonly port: number;
}

// CommonJS, run with `node -e`; the spec arrives in HOSTILE_SPEC.
const SERVER_SCRIPT = `
const net = require('node:net');
const spec = JSON.parse(process.env.HOSTILE_SPEC);
const body = Buffer.concat(spec.parts.map((p) => Buffer.from(p.text.repeat(p.times), 'utf8')));
const BLOCK = 48 * 1024;

// One block of frames (about BLOCK bytes), written into one buffer without a Buffer per chunk.
function block(from) {
  const out = Buffer.allocUnsafe(BLOCK + 64 + 2 * spec.chunkBytes);
  let size = 0;
  let offset = from;
  while (offset < body.length && size < BLOCK) {
    const length = Math.min(spec.chunkBytes, body.length - offset);
    size += out.write(length.toString(16) + '\\r\\n', size, 'latin1');
    size += body.copy(out, size, offset, offset + length);
    out[size++] = 13;
    out[size++] = 10;
    offset += length;
  }
  return { bytes: out.subarray(0, size), next: offset };
}

async function respond(socket) {
  socket.write('HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\n' +
    'Transfer-Encoding: chunked\\r\\nConnection: close\\r\\n\\r\\n');
  let offset = 0;
  while (offset < body.length) {
    if (socket.destroyed) return;
    const { bytes, next } = block(offset);
    offset = next;
    if (!socket.write(bytes)) {
      await new Promise((resolve) => { socket.once('drain', resolve); socket.once('close', resolve); });
    }
  }
  socket.end('0\\r\\n\\r\\n');
}

const server = net.createServer((socket) => {
  socket.on('error', () => socket.destroy());
  let head = '';
  const onData = (chunk) => {
    head += chunk.toString('latin1');
    if (!head.includes('\\r\\n\\r\\n')) return;
    socket.off('data', onData);
    socket.resume();
    if (head.includes('warm-up')) {
      socket.end('HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\n{}');
    } else void respond(socket);
  };
  socket.on('data', onData);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.on('disconnect', () => process.exit(0));
`;

/** Starts a hostile server serving `spec`; the child process is killed when the test ends. */
export async function hostileServer(spec: HostileBodySpec): Promise<HostileServer> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER_SCRIPT], {
    env: { ...process.env, HOSTILE_SPEC: JSON.stringify(spec) },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill();
      await once(child, 'exit');
    }
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the hostile server exited (code ${String(code)}) before listening`);
  });
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  exited.catch(() => {});
  lines.close();
  return { host: '127.0.0.1', port: Number(line) };
}
