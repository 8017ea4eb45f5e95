/**
 * The Node transport against real servers doing what real servers do: chunked responses,
 * Connection: close, closing idle keep-alive sockets, HTTP/1.0, pipelined garbage, and many
 * concurrent requests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HTTPError, VERSION } from '../src/index';
import { IDLE_SOCKET_TIMEOUT_MS, idleLifetimeMs } from '../src/transport/node-transport';
import { clientFor } from './helpers/clients';

async function listen(
  server: Server | ReturnType<typeof createTcpServer>,
): Promise<{ host: string; port: number }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
}

describe('node transport with real servers', () => {
  it('reads chunked responses written in pieces, UTF-8 included', async () => {
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"channels":{"caf');
      setImmediate(() => res.end('é":{}}}'));
    });
    const pusher = clientFor(await listen(server));
    await expect(pusher.channels()).resolves.toEqual({ channels: { café: {} } });
    await expect(pusher.channels()).resolves.toEqual({ channels: { café: {} } });
  });

  it('opens a new connection after Connection: close', async () => {
    let connections = 0;
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { connection: 'close', 'content-length': '2' });
      res.end('{}');
    });
    server.on('connection', () => connections++);
    const pusher = clientFor(await listen(server));
    for (let i = 0; i < 3; i++) await pusher.trigger('c', 'e', i);
    expect(connections).toBe(3);
  });

  it('survives the server closing idle keep-alive sockets', async () => {
    const serverSockets: Socket[] = [];
    const server = createServer((req, res) => {
      req.resume();
      res.end('{}');
    });
    server.on('connection', (socket: Socket) => serverSockets.push(socket));
    server.keepAliveTimeout = 50;
    // GETs are retried if they race the close; the idle socket must not be reused once closed.
    const pusher = clientFor(await listen(server), {
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 },
    });
    await pusher.trigger('c', 'e', 1);
    const first = serverSockets[0] as Socket;
    if (!first.destroyed) await new Promise((resolve) => first.once('close', resolve));
    await expect(pusher.channels()).resolves.toEqual({});
    expect(serverSockets).toHaveLength(2);
  });

  it('reads an HTTP/1.0 close-delimited response', async () => {
    const server = createTcpServer((socket) => {
      socket.once('data', () =>
        socket.end('HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"ok":1}'),
      );
    });
    const pusher = clientFor(await listen(server));
    await expect(pusher.get('/x')).resolves.toEqual({ ok: 1 });
  });

  it('a garbled response is an HTTPError', async () => {
    const server = createTcpServer((socket) => {
      socket.once('data', () => socket.end('SMTP ready\r\n\r\n'));
    });
    const pusher = clientFor(await listen(server));
    const error = (await pusher.get('/x').catch((e: unknown) => e)) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    expect(error.code).toBe('ERR_HTTP_PARSE');
  });

  it('a server closing mid-body is an HTTPError, not a hang', async () => {
    const server = createTcpServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"a"'));
    });
    const pusher = clientFor(await listen(server));
    const error = (await pusher.get('/x').catch((e: unknown) => e)) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    expect(error.message).toContain('closed while reading');
  });

  it('handles 300 concurrent requests (over the socket cap) correctly', async () => {
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => res.end(JSON.stringify({ echo: JSON.parse(body).data })));
    });
    const pusher = clientFor(await listen(server));
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        pusher.post<{ echo: string }>('/echo', { data: `n${i}` }),
      ),
    );
    expect(results.map((result) => result.echo)).toEqual(
      Array.from({ length: 300 }, (_, i) => `n${i}`),
    );
  });

  it('follows the Keep-Alive timeout hint of the server', () => {
    expect(idleLifetimeMs(undefined)).toBe(IDLE_SOCKET_TIMEOUT_MS);
    expect(idleLifetimeMs('timeout=5')).toBe(4_000);
    expect(idleLifetimeMs('timeout=60, max=100')).toBe(IDLE_SOCKET_TIMEOUT_MS);
    expect(idleLifetimeMs('timeout=1')).toBe(0);
    expect(idleLifetimeMs('max=5')).toBe(IDLE_SOCKET_TIMEOUT_MS);
  });

  it('sends the package version in X-Pusher-Library', async () => {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });
});
