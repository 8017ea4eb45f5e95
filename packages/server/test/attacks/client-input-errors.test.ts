/**
 * Attack: `client-` frames whose `data` nests arrays thousands of levels deep, from a connection
 * that is not subscribed and from one that is. Parsing such a frame costs milliseconds and
 * serializing it again overflowed the stack, which surfaced as an internal error logged at error
 * level once per frame. Bad client input must be a protocol error answered on the wire, counted
 * under its own kind, logged at debug at most, and cheap to refuse.
 */
import { randomBytes } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { channelAuthSignature } from '@pushwire/sdk';
import { waitUntil } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Logger } from '../../src/index';
import { APP, connect, startServer } from '../ws-helpers';
import { cpuMsDuring, encodeClientFrame } from './support';

const CHANNEL = 'private-room';
/** 16,000 levels of `[`: the frame stays under the default 32 KB frame limit. */
const DEPTH = 16_000;
/**
 * 1,000 frames in all, from 50 unsubscribed and 50 subscribed connections: spread so that a
 * per-connection inbound budget (frames or bytes per second) is not what refuses them.
 */
const SOCKETS_PER_KIND = 50;
const FRAMES_PER_SOCKET = 10;
const TOTAL_FRAMES = 2 * SOCKETS_PER_KIND * FRAMES_PER_SOCKET;
const WS_QUERY = 'protocol=7&client=js&version=8.6.0&flash=false';

interface LogEntry {
  readonly level: keyof Logger;
  readonly message: string;
}

function capturingLogger(entries: LogEntry[]): Logger {
  const at =
    (level: keyof Logger) =>
    (message: string): void => {
      entries.push({ level, message });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A raw flood socket whose inbound bytes (server frames are unmasked text) are kept as text. */
class RawSession {
  text = '';

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('latin1');
    });
  }

  count(needle: string): number {
    return this.text.split(needle).length - 1;
  }

  send(value: unknown): void {
    this.socket.write(encodeClientFrame(JSON.stringify(value)));
  }

  async socketId(): Promise<string> {
    let id: string | undefined;
    await waitUntil(() => {
      id = /socket_id\\":\\"([0-9.]+)/.exec(this.text)?.[1];
      return id !== undefined;
    });
    return id as string;
  }

  /** Sends a ping and waits for its pong: every frame sent before it has been answered. */
  async roundTrip(): Promise<void> {
    const pongs = this.count('pusher:pong');
    this.send({ event: 'pusher:ping', data: {} });
    await waitUntil(() => this.count('pusher:pong') > pongs, 20_000);
  }
}

/** Opens a WebSocket by hand, keeping every byte after the upgrade response (socket id included). */
async function openSession(port: number): Promise<RawSession> {
  const socket = connectTcp({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  // A raw socket never answers the close handshake: destroy it so the server closes at once.
  onTestFinished(() => {
    socket.destroy();
  });
  const session = new RawSession(socket);
  socket.write(
    `GET /app/${APP.key}?${WS_QUERY} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await session.socketId();
  return session;
}

function deepClientFrame(): Buffer {
  const data = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
  return encodeClientFrame(`{"event":"client-deep","channel":"${CHANNEL}","data":${data}}`);
}

describe('client input that cannot be serialized', () => {
  it('is refused on the wire, never counted or logged as an internal error, and cheap', async () => {
    const entries: LogEntry[] = [];
    const { server, address, wsUrl } = await startServer({
      apps: [{ ...APP, enableClientMessages: true, subscriptionCountEvents: false }],
      logger: capturingLogger(entries),
    });
    const subscriber = await connect(wsUrl());
    await subscriber.join(CHANNEL);

    const unsubscribed = await Promise.all(
      Array.from({ length: SOCKETS_PER_KIND }, () => openSession(address.port)),
    );
    const subscribed = await Promise.all(
      Array.from({ length: SOCKETS_PER_KIND }, () => openSession(address.port)),
    );
    for (const session of subscribed) {
      const socketId = await session.socketId();
      const auth = channelAuthSignature({
        key: APP.key,
        secret: APP.secret,
        socketId,
        channel: CHANNEL,
      });
      session.send({ event: 'pusher:subscribe', data: { channel: CHANNEL, auth } });
    }
    await waitUntil(() =>
      subscribed.every((session) => session.count('pusher_internal:subscription_succeeded') === 1),
    );
    const sessions = [...unsubscribed, ...subscribed];

    const frame = deepClientFrame();
    expect(frame.length).toBeLessThan(32_768);
    const flood = Buffer.concat(Array.from({ length: FRAMES_PER_SOCKET }, () => frame));

    const cpuMs = await cpuMsDuring(async () => {
      for (const session of sessions) session.socket.write(flood);
      await Promise.all(sessions.map((session) => session.roundTrip()));
    });

    // Every frame is answered with a 4301 error frame; the sockets stay open.
    for (const session of sessions) {
      expect(session.count('"code":4301')).toBe(FRAMES_PER_SOCKET);
      expect(session.socket.destroyed).toBe(false);
    }

    // Nothing reached the channel; nothing internal was counted or logged above debug.
    await subscriber.roundTrip();
    expect(subscriber.count('client-deep')).toBe(0);
    const metrics = server.metrics.render();
    expect(metrics).not.toMatch(/pushwire_errors_total\{[^}]*kind="internal"/);
    expect(server.metrics.get('pushwire_errors_total', { kind: 'message_too_deep' })).toBe(
      TOTAL_FRAMES,
    );
    expect(entries.filter((entry) => entry.level !== 'debug' && entry.level !== 'info')).toEqual(
      [],
    );

    // The old code spent about 6.6 ms per frame (parse, then a stack overflow); refusing before
    // parsing costs a fraction of a millisecond. Generous bound for a loaded 2-core machine.
    expect(cpuMs).toBeLessThan(2_000);
  });

  it('still relays nested data within the depth limit, serialized once', async () => {
    const { wsUrl } = await startServer({
      apps: [{ ...APP, enableClientMessages: true, subscriptionCountEvents: false }],
    });
    const sender = await connect(wsUrl());
    const receiver = await connect(wsUrl());
    await sender.join(CHANNEL);
    await receiver.join(CHANNEL);
    // The envelope is level 1, so data may nest 31 levels under the default limit of 32.
    const data = JSON.parse(`${'['.repeat(31)}1${']'.repeat(31)}`) as unknown;
    sender.send({ event: 'client-ok', channel: CHANNEL, data });
    expect((await receiver.event('client-ok')).data).toBe(JSON.stringify(data));
    sender.send({ event: 'client-too-deep', channel: CHANNEL, data: [data] });
    const error = await sender.event('pusher:error');
    expect(error.data).toEqual({
      code: 4301,
      message: 'Invalid message: JSON nested deeper than 32 levels',
    });
    await receiver.roundTrip();
    expect(receiver.count('client-too-deep')).toBe(0);
  });

  it('refuses an unsubscribed client event before serializing its data', async () => {
    const entries: LogEntry[] = [];
    const { server, wsUrl } = await startServer({
      apps: [{ ...APP, enableClientMessages: true }],
      logger: capturingLogger(entries),
    });
    const sender = await connect(wsUrl());
    // A string data of 20 KB would be over maxEventDataBytes; refused as unsubscribed first.
    sender.send({ event: 'client-x', channel: CHANNEL, data: 'x'.repeat(20_000) });
    const error = await sender.event('pusher:error');
    expect(error.data).toEqual({
      code: 4301,
      message: `Client event rejected: not subscribed to ${CHANNEL}`,
    });
    expect(server.metrics.get('pushwire_errors_total', { kind: 'client_event_rejected' })).toBe(1);
    expect(entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });
});
