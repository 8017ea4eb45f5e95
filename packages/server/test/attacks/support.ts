/**
 * @module test/attacks/support
 * Measuring tools of the attack suite: a bystander that pings the server on its own connection and
 * records the worst round trip while an attack runs, CPU time spent by this process during an
 * attack, and a raw socket that writes many pre-encoded WebSocket frames at once (the attacker's
 * cost stays small, so the server's cost is what the test measures).
 */

import { randomBytes } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect, type RawClient } from '../ws-helpers';

/** Pings on its own connection every `intervalMs` and keeps the worst round trip seen. */
export class PingMonitor {
  readonly client: RawClient;
  #worstMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #outstanding: number | undefined;

  private constructor(client: RawClient) {
    this.client = client;
  }

  static async start(wsUrl: string, intervalMs = 20): Promise<PingMonitor> {
    const monitor = new PingMonitor(await connect(wsUrl));
    monitor.client.socket.on('message', (data) => {
      if (monitor.#outstanding === undefined || !data.toString().includes('pusher:pong')) return;
      monitor.#worstMs = Math.max(monitor.#worstMs, performance.now() - monitor.#outstanding);
      monitor.#outstanding = undefined;
    });
    monitor.#timer = setInterval(() => {
      const now = performance.now();
      // A ping still unanswered counts for as long as it has been waiting.
      if (monitor.#outstanding !== undefined) {
        monitor.#worstMs = Math.max(monitor.#worstMs, now - monitor.#outstanding);
        return;
      }
      monitor.#outstanding = now;
      monitor.client.send({ event: 'pusher:ping', data: {} });
    }, intervalMs);
    return monitor;
  }

  /** The worst round trip so far, in milliseconds (an unanswered ping counts as it waits). */
  get worstMs(): number {
    const pending = this.#outstanding === undefined ? 0 : performance.now() - this.#outstanding;
    return Math.max(this.#worstMs, pending);
  }

  /** Waits for one more answered ping (so the attack's backlog was served), then stops. */
  async stop(): Promise<number> {
    if (this.#timer) clearInterval(this.#timer);
    await this.client.roundTrip();
    return this.worstMs;
  }
}

/** CPU time (user + system, milliseconds) this process spends while `run` runs. */
export async function cpuMsDuring(run: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** One masked client-to-server text frame, as RFC 6455 requires of clients. */
export function encodeClientFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.alloc(headerLength + 4 + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = 0x80 | length;
  } else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, headerLength);
  for (let i = 0; i < length; i++) {
    frame[headerLength + 4 + i] = (payload[i] as number) ^ (mask[i & 3] as number);
  }
  return frame;
}

/**
 * A WebSocket opened by hand on a raw TCP socket, for floods: `write` sends pre-encoded frames in
 * one call. Resolves once the server answered the upgrade (the first frames may follow it).
 */
export async function rawWebSocket(port: number, path: string): Promise<Socket> {
  const socket = connectTcp({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
          'Sec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    socket.once('data', (chunk) => {
      if (chunk.toString('latin1').startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`upgrade refused: ${chunk.toString('latin1').split('\r\n')[0]}`));
    });
    socket.once('error', reject);
  });
  return socket;
}
