/**
 * @module test/attacks/slow-body
 * Item 8.5 (requests): a REST body that trickles in is answered 408 and its socket closed within
 * `requestTimeoutMs` (before the fix Node's 300 s default held it, and 1,224 such sockets took every
 * file descriptor); a declared `Content-Length` over the limit is answered 413 at once, without
 * the body ever being sent, and the socket closed.
 */

import { connect as connectTcp, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../src/options/defaults';
import { APP, startServer } from '../ws-helpers';

interface RawExchange {
  /** Everything the server sent. */
  readonly response: () => string;
  /** Resolves with the milliseconds from connect to the server closing the socket. */
  readonly closedAfterMs: Promise<number>;
  readonly socket: Socket;
}

/** Opens a socket and writes `head` (a request without its full body). */
function sendPartial(port: number, head: string): RawExchange {
  const started = performance.now();
  const socket = connectTcp({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  let response = '';
  socket.on('data', (chunk: Buffer) => {
    response += chunk.toString('latin1');
  });
  socket.once('connect', () => socket.write(head));
  const closedAfterMs = new Promise<number>((resolve) => {
    socket.once('close', () => resolve(performance.now() - started));
  });
  return { response: () => response, closedAfterMs, socket };
}

function eventsRequestHead(contentLength: number): string {
  return (
    `POST /apps/${APP.id}/events?auth_key=${APP.key} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`
  );
}

/** Fails the test (instead of hanging it) if the socket is still open after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms),
    ),
  ]);
}

describe('attack: slow and oversized request bodies', () => {
  it('defaults to a body deadline of at most 30 s', () => {
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBeLessThanOrEqual(30_000);
  });

  it('answers a body that trickles in with 408 and closes the socket within the timeout', async () => {
    const { address } = await startServer({ requestTimeoutMs: 500 });
    const exchange = sendPartial(address.port, `${eventsRequestHead(100)}{"name":`);
    // Keep trickling a byte now and then, as the attack did.
    const trickle = setInterval(() => exchange.socket.write(' '), 100);
    try {
      const closedAfterMs = await within(exchange.closedAfterMs, 5_000);
      expect(exchange.response()).toMatch(/^HTTP\/1\.1 408 /);
      expect(closedAfterMs).toBeLessThan(3_000);
    } finally {
      clearInterval(trickle);
      exchange.socket.destroy();
    }
  });

  it('answers a declared Content-Length over the limit with 413 at once, without the body', async () => {
    const { address } = await startServer();
    const exchange = sendPartial(address.port, eventsRequestHead(50_000_000));
    try {
      const closedAfterMs = await within(exchange.closedAfterMs, 5_000);
      expect(exchange.response()).toMatch(/^HTTP\/1\.1 413 /);
      expect(exchange.response()).toMatch(/connection: close/i);
      expect(closedAfterMs).toBeLessThan(2_000);
    } finally {
      exchange.socket.destroy();
    }
  });
});
