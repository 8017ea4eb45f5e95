/**
 * @module test/helpers/raw-http-server
 * A raw `node:net` server on 127.0.0.1:0 for tests that need exact response bytes: it frames
 * requests just enough (head up to the blank line, Content-Length body) and hands each one to a
 * script that writes whatever bytes it wants. Records every request with its connection number;
 * every socket and the server are closed when the test ends. Also a direct Node transport to it.
 */
import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';
import { loadNodeNetModules } from '../../src/runtime/node-net';
import { createNodeTransport, type NodeTransport } from '../../src/transport/node-transport';

export interface RawRequest {
  /** The request line, e.g. `POST /x HTTP/1.1`. */
  readonly line: string;
  readonly method: string;
  readonly head: string;
  readonly body: string;
  /** 1-based, in accept order. */
  readonly connection: number;
}

export interface RawServer {
  readonly host: string;
  readonly port: number;
  readonly requests: RawRequest[];
  /** Server-side sockets, in accept order. */
  readonly sockets: Socket[];
  /** Resolves when `count` requests have arrived. */
  requestCount(count: number): Promise<void>;
}

export type RawScript = (socket: Socket, request: RawRequest, index: number) => void;

/** Starts a raw server; `script` answers request number `index` (0-based, over all sockets). */
export async function rawServer(script: RawScript): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const sockets: Socket[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    const connection = sockets.length;
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('error', () => socket.destroy());
    let buffer = '';
    let head: string | undefined;
    let bodyLength = 0;
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (head === undefined) {
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) return;
          head = buffer.slice(0, end);
          buffer = buffer.slice(end + 4);
          bodyLength = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        }
        if (buffer.length < bodyLength) return;
        const line = head.slice(0, head.indexOf('\r\n'));
        const request: RawRequest = {
          line,
          method: line.slice(0, line.indexOf(' ')),
          head,
          body: buffer.slice(0, bodyLength),
          connection,
        };
        buffer = buffer.slice(bodyLength);
        head = undefined;
        requests.push(request);
        script(socket, request, requests.length - 1);
        for (const waiter of waiters) if (requests.length >= waiter.count) waiter.resolve();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    requests,
    sockets,
    requestCount: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
  };
}

/** Writes `parts` one after another, each in its own TCP segment (waits for each write). */
export async function writeInParts(socket: Socket, parts: readonly string[]): Promise<void> {
  for (const part of parts) {
    if (socket.destroyed) return;
    await new Promise<void>((resolve) => socket.write(part, 'latin1', () => resolve()));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A Node transport to `server`, closed when the test ends. */
export function transportTo(
  server: Pick<RawServer, 'host' | 'port'>,
  options: { readonly maxResponseBodyBytes?: number } = {},
): NodeTransport {
  const modules = loadNodeNetModules();
  if (!modules) throw new Error('these tests need node:net');
  const transport = createNodeTransport({
    endpoint: { scheme: 'http', host: server.host, port: server.port },
    modules,
    ...options,
  });
  onTestFinished(() => transport.close());
  return transport;
}
