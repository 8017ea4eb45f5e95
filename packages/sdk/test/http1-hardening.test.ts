/**
 * The Node HTTP/1.1 transport against raw TCP servers that write exact bytes: chunked framing
 * with extensions and trailers, close-delimited bodies, Connection: close, interim 1xx responses,
 * responses in 1-byte segments, heads split across segments, idle keep-alive sockets closed or
 * reset by the server (and exactly when a request is sent again), size bounds on heads and
 * bodies, invalid status lines, and bodiless 204/304.
 */
import type { Socket } from 'node:net';
import { waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import { HTTPError, ResponseTooLargeError } from '../src/index';
import { TransportFailure, type TransportRequest } from '../src/transport/types';
import { clientFor } from './helpers/clients';
import { rawServer, transportTo, writeInParts } from './helpers/raw-http-server';

const OK = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';

const get = (path = '/x'): TransportRequest => ({
  method: 'GET',
  pathAndQuery: path,
  headers: {},
  timeoutMs: 5_000,
});
const post = (body = '{"n":1}'): TransportRequest => ({
  method: 'POST',
  pathAndQuery: '/events',
  headers: { 'content-type': 'application/json' },
  body,
  timeoutMs: 5_000,
});

async function failureOf(promise: Promise<unknown>): Promise<TransportFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportFailure);
  return error as TransportFailure;
}

describe('framing', () => {
  it('reads chunked bodies with extensions and trailers, then reuses the connection', async () => {
    const server = await rawServer((socket, _request, index) => {
      if (index === 0) {
        void writeInParts(socket, [
          'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n',
          '5;name=value;quoted="a;b"\r\n{"a":\r\n',
          '4 ; ext\r\n"b"}\r\n0;last\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n',
        ]);
      } else socket.write(OK);
    });
    const transport = transportTo(server);
    await expect(transport.send(get())).resolves.toMatchObject({ status: 200, body: '{"a":"b"}' });
    await expect(transport.send(get())).resolves.toMatchObject({ body: '{}' });
    expect(server.requests.map((request) => request.connection)).toEqual([1, 1]);
  });

  it('reads a body with neither Content-Length nor chunked until the server closes', async () => {
    const server = await rawServer((socket) => {
      void writeInParts(socket, ['HTTP/1.1 200 OK\r\n\r\n{"lo', 'ng":true}']).then(() =>
        socket.end(),
      );
    });
    const transport = transportTo(server);
    await expect(transport.send(get())).resolves.toMatchObject({ body: '{"long":true}' });
    await expect(transport.send(get())).resolves.toMatchObject({ body: '{"long":true}' });
    expect(server.requests.map((request) => request.connection)).toEqual([1, 2]);
  });

  it('never reuses a connection after Connection: close', async () => {
    const server = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}');
      // The server keeps its side open: the client must close it and not send on it again.
    });
    const transport = transportTo(server);
    await transport.send(get());
    await transport.send(post());
    expect(server.requests.map((request) => request.connection)).toEqual([1, 2]);
    const first = server.sockets[0] as Socket;
    await waitUntil(() => first.readableEnded || first.destroyed);
    expect(transport.connections()).toEqual({ open: 0, idle: 0 });
  });

  it('skips 100 Continue and 103 Early Hints before the final response', async () => {
    const server = await rawServer((socket) => {
      void writeInParts(socket, [
        'HTTP/1.1 100 Continue\r\n\r\n',
        'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n',
        'HTTP/1.1 201 Created\r\nContent-Length: 8\r\n\r\n{"ok":1}',
      ]);
    });
    const transport = transportTo(server);
    await expect(transport.send(post())).resolves.toMatchObject({ status: 201, body: '{"ok":1}' });
    await expect(transport.send(post())).resolves.toMatchObject({ status: 201 });
    expect(server.requests.map((request) => request.connection)).toEqual([1, 1]);
  });

  it('reads responses arriving one byte per TCP segment (length and chunked)', async () => {
    const chunked =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\n{"a"\r\n5\r\n:"é"\r\n1\r\n}\r\n0\r\nT: 1\r\n\r\n';
    const server = await rawServer((socket, _request, index) => {
      const body = Buffer.from('{"b":"€"}', 'utf8').toString('latin1');
      const raw =
        index === 0
          ? `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`
          : Buffer.from(chunked, 'utf8').toString('latin1');
      void writeInParts(socket, raw.split(''));
    });
    const transport = transportTo(server);
    await expect(transport.send(get())).resolves.toMatchObject({ body: '{"b":"€"}' });
    await expect(transport.send(get())).resolves.toMatchObject({ body: '{"a":"é"}' });
    expect(server.requests.map((request) => request.connection)).toEqual([1, 1]);
  });

  it('reads a head split across segments anywhere, even inside CRLF CRLF', async () => {
    const raw = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';
    const cuts = [5, 20, 31, raw.indexOf('\r\n\r\n') + 1, raw.indexOf('\r\n\r\n') + 3];
    const server = await rawServer((socket) => {
      const parts: string[] = [];
      let from = 0;
      for (const cut of cuts) {
        parts.push(raw.slice(from, cut));
        from = cut;
      }
      parts.push(raw.slice(from));
      void writeInParts(socket, parts);
    });
    const transport = transportTo(server);
    const response = await transport.send(get());
    expect(response).toMatchObject({ status: 200, body: '{}' });
    expect(response.headers['content-type']).toBe('application/json');
  });

  it('204 and 304 have no body and keep the connection', async () => {
    const server = await rawServer((socket, _request, index) => {
      socket.write(
        index === 0
          ? 'HTTP/1.1 204 No Content\r\n\r\n'
          : index === 1
            ? 'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n'
            : OK,
      );
    });
    const transport = transportTo(server);
    await expect(transport.send(post())).resolves.toMatchObject({ status: 204, body: '' });
    await expect(transport.send(get())).resolves.toMatchObject({ status: 304, body: '' });
    await expect(transport.send(get())).resolves.toMatchObject({ status: 200, body: '{}' });
    expect(server.requests.map((request) => request.connection)).toEqual([1, 1, 1]);
  });
});

describe('idle keep-alive connections closed by the server', () => {
  async function keepAliveServer() {
    return rawServer((socket) => socket.write(OK));
  }

  it('a connection closed while idle leaves the pool; the next POST uses a new one', async () => {
    const server = await keepAliveServer();
    const transport = transportTo(server);
    await transport.send(post());
    expect(transport.connections()).toEqual({ open: 1, idle: 1 });
    (server.sockets[0] as Socket).end();
    await waitUntil(() => transport.connections().open === 0);
    await expect(transport.send(post())).resolves.toMatchObject({ status: 200 });
    expect(server.requests.map((request) => request.connection)).toEqual([1, 2]);
  });

  it('a POST whose write fails on a reset connection is sent again on a new one', async () => {
    const server = await keepAliveServer();
    const transport = transportTo(server);
    await transport.send(post());
    // The reset reaches the client's kernel at once, but its event loop has not seen it yet:
    // the write is refused (ECONNRESET / EPIPE), so the server cannot have the request.
    (server.sockets[0] as Socket).resetAndDestroy();
    await expect(transport.send(post('{"n":2}'))).resolves.toMatchObject({ status: 200 });
    expect(server.requests.map((request) => [request.connection, request.body])).toEqual([
      [1, '{"n":1}'],
      [2, '{"n":2}'],
    ]);
  });

  it('a GET on a connection the server closed before answering is sent again', async () => {
    const server = await rawServer((socket, _request, index) => {
      // The second request arrives as the server gives up on the connection.
      if (index === 1) socket.destroy();
      else socket.write(OK);
    });
    const transport = transportTo(server);
    await transport.send(get());
    await expect(transport.send(get('/again'))).resolves.toMatchObject({ status: 200 });
    expect(server.requests.map((request) => [request.connection, request.line])).toEqual([
      [1, 'GET /x HTTP/1.1'],
      [1, 'GET /again HTTP/1.1'],
      [2, 'GET /again HTTP/1.1'],
    ]);
  });

  it('a POST written whole before the server closed fails: it may have been processed', async () => {
    const server = await rawServer((socket, _request, index) => {
      if (index === 1) socket.destroy();
      else socket.write(OK);
    });
    const transport = transportTo(server);
    await transport.send(post());
    const failure = await failureOf(transport.send(post('{"n":2}')));
    expect(failure.connectPhase).toBe(false);
    expect(failure.message).toMatch(/closed before a response|ECONNRESET/);
    // The server did read it: sending it again could publish the event twice.
    expect(server.requests.filter((request) => request.body === '{"n":2}')).toHaveLength(1);
  });

  it('a server closing every idle connection does not fail trigger()', async () => {
    const server = await rawServer((socket) => {
      socket.write(OK);
      setImmediate(() => socket.end());
    });
    const pusher = clientFor(server);
    for (let i = 0; i < 3; i++) {
      await pusher.trigger('c', 'e', i);
      const socket = server.sockets[i] as Socket;
      await waitUntil(() => socket.closed);
    }
    expect(server.requests).toHaveLength(3);
  });
});

describe('bounds and malformed responses', () => {
  it('oversized response headers: a clear error, not unbounded memory', async () => {
    let writtenBytes = 0;
    const server = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\n');
      const line = `X-Filler: ${'a'.repeat(1000)}\r\n`;
      const pump = (): void => {
        // Endless headers until the client hangs up.
        while (!socket.destroyed && writtenBytes < 10_000_000) {
          writtenBytes += line.length;
          if (!socket.write(line)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const failure = await failureOf(transportTo(server).send(get()));
    expect(failure.code).toBe('ERR_HTTP_PARSE');
    expect(failure.message).toMatch(/response head too large \(over 65536 bytes\)/);
    expect(writtenBytes).toBeLessThan(10_000_000);
  });

  it('an invalid status line is an HTTPError with ERR_HTTP_PARSE', async () => {
    const server = await rawServer((socket) => socket.write('HTTP/1.1 2x0 OK\r\n\r\n'));
    const error = (await clientFor(server)
      .get('/x')
      .catch((e: unknown) => e)) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    expect(error.code).toBe('ERR_HTTP_PARSE');
    expect(error.message).toContain('invalid status line');
  });

  it.each([
    ['Content-Length', (size: number) => `HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n`],
    ['chunked', () => 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['close-delimited', () => 'HTTP/1.1 200 OK\r\n\r\n'],
  ])('a %s body over the cap is refused without buffering it', async (kind, headFor) => {
    const cap = 4096;
    const server = await rawServer((socket) => {
      socket.write(headFor(1_000_000));
      const piece = kind === 'chunked' ? `400\r\n${'b'.repeat(1024)}\r\n` : 'b'.repeat(1024);
      void writeInParts(
        socket,
        Array.from({ length: 64 }, () => piece),
      );
    });
    const failure = await failureOf(transportTo(server, { maxResponseBodyBytes: cap }).send(get()));
    expect(failure.code).toBe('ERR_RESPONSE_TOO_LARGE');
    expect(failure.limitBytes).toBe(cap);
    expect(failure.message).toContain(`response body too large (over ${cap} bytes)`);
  });

  it('through the client, a body over the cap is a ResponseTooLargeError (an HTTPError)', async () => {
    const server = await rawServer((socket) =>
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n'),
    );
    const error = (await clientFor(server)
      .get('/x')
      .catch((e: unknown) => e)) as HTTPError;
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error.code).toBe('ERR_RESPONSE_TOO_LARGE');
    expect(error.message).toMatch(/response body too large/);
  });
});
