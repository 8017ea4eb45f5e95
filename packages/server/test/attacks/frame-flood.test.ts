/**
 * @module test/attacks/frame-flood
 * Item 8.14: one connection's flood must not stall everyone else. A raw socket writes a large burst
 * of frames in one go (client events over the rate limit, subscribe/unsubscribe pairs on one
 * channel and on distinct channels) while a bystander pings on its own connection. Before the fix
 * every frame was parsed and handled and the bystander waited seconds; now the inbound budget
 * (frames and bytes per second per connection) closes the flooder with 4100 after its burst.
 */

import { randomBytes } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { channelAuthSignature } from '@pushwire/sdk';
import { waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import { fullTokens, inboundBudgetFor, spendInbound } from '../../src/core/inbound-budget';
import { APP, connect, startServer } from '../ws-helpers';
import { encodeClientFrame, PingMonitor } from './support';

/** Worst bystander ping allowed during a flood (the old code held it for seconds). */
const MAX_BYSTANDER_PING_MS = 250;
/** 100,000 frames (50,000 pairs): the sizes of the issue, at which the old code stalled seconds. */
const FLOOD_FRAMES = 100_000;

/** What a raw flooding connection received, tracked per chunk (never one huge string). */
interface RawConnection {
  readonly socket: Socket;
  /** The first bytes the server sent (101, connection_established, subscription replies). */
  readonly head: () => string;
  /** `pusher:pong` frames received so far. */
  readonly pongs: () => number;
  /** True once a frame carrying `"code":4100` arrived. */
  readonly overCapacity: () => boolean;
  readonly closed: Promise<void>;
}

const HEAD_BYTES = 65_536;
/** Bytes kept from the previous chunk so a marker split across chunks is still found. */
const CARRY_BYTES = 32;

function occurrences(text: string, marker: string): number {
  let count = 0;
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + 1)) count++;
  return count;
}

/**
 * Like support's rawWebSocket, but records from the first byte: `connection_established` often
 * arrives in the same chunk as the 101, and the client-event flood needs its socket id.
 */
async function rawConnection(port: number): Promise<RawConnection> {
  const socket = connectTcp({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  let head = '';
  let carry = '';
  let pongs = 0;
  let overCapacity = false;
  socket.on('data', (chunk: Buffer) => {
    const text = chunk.toString('latin1');
    if (head.length < HEAD_BYTES) head += text.slice(0, HEAD_BYTES - head.length);
    const window = carry + text;
    pongs += occurrences(window, 'pusher:pong') - occurrences(carry, 'pusher:pong');
    overCapacity ||= window.includes('"code":4100');
    carry = window.slice(-CARRY_BYTES);
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.once('connect', () => {
    socket.write(
      `GET /app/${APP.key}?protocol=7 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
        'Sec-WebSocket-Version: 13\r\n\r\n',
    );
  });
  await until(() => head.includes('pusher:connection_established'));
  return {
    socket,
    head: () => head,
    pongs: () => pongs,
    overCapacity: () => overCapacity,
    closed,
  };
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Longest flood frame: a one-byte length field (no extended length). */
const MAX_FLOOD_FRAME_TEXT = 125;

/**
 * `count` masked client frames in one buffer (a zero mask, which RFC 6455 allows), written in
 * place so the test process keeps no per-frame objects that a garbage collection would later walk
 * while the bystander is being measured.
 */
function frames(count: number, make: (index: number) => unknown): Buffer {
  const out = Buffer.alloc(count * (6 + MAX_FLOOD_FRAME_TEXT));
  let at = 0;
  for (let i = 0; i < count; i++) {
    const length = out.write(JSON.stringify(make(i)), at + 6);
    if (length > MAX_FLOOD_FRAME_TEXT) throw new Error('flood frames must be shorter');
    out[at] = 0x81;
    out[at + 1] = 0x80 | length;
    out.writeUInt32BE(0, at + 2);
    at += 6 + length;
  }
  return out.subarray(0, at);
}

/**
 * Sends `flood` (followed by a ping) on a raw connection (prepared by `setup`) while a bystander
 * pings, and returns the bystander's worst round trip and what the flooder received.
 */
async function underFlood(
  setup: (connection: RawConnection) => Promise<void>,
  flood: Buffer,
): Promise<{ worstMs: number; overCapacity: boolean; metrics: string }> {
  const { server, address, wsUrl } = await startServer({ apps: [{ ...APP }] });
  const connection = await rawConnection(address.port);
  await setup(connection);
  const monitor = await PingMonitor.start(wsUrl());
  await new Promise((resolve) => setTimeout(resolve, 100));
  const pongsBefore = connection.pongs();
  connection.socket.write(
    Buffer.concat([flood, encodeClientFrame('{"event":"pusher:ping","data":{}}')]),
  );
  // Done when the flooder is told to go away (4100) or closed, or its last ping was answered.
  let ended = false;
  void connection.closed.then(() => {
    ended = true;
  });
  await until(() => ended || connection.overCapacity() || connection.pongs() > pongsBefore);
  const worstMs = await monitor.stop();
  connection.socket.destroy();
  return { worstMs, overCapacity: connection.overCapacity(), metrics: server.metrics.render() };
}

/** Frames the server may handle from the flooder (the default burst) plus setup and pings. */
const MAX_FRAMES_HANDLED = 1_000 + 300;

function expectClosedOverCapacity(result: { overCapacity: boolean; metrics: string }): void {
  // The server parsed only the flooder's burst, whatever the machine's speed.
  const received = /pushwire_messages_received_total\{app_id="[^"]*"\} (\d+)/.exec(
    result.metrics,
  )?.[1];
  expect(Number(received)).toBeLessThan(MAX_FRAMES_HANDLED);
  expect(result.overCapacity).toBe(true);
  expect(result.metrics).toMatch(
    /pushwire_errors_total\{app_id="[^"]*",kind="inbound_budget"\} 1\b/,
  );
  expect(result.metrics).toMatch(/pushwire_dropped_messages_total\{reason="inbound_budget"\} \d+/);
}

describe('attack: single-connection frame flood', () => {
  it('client events over the rate limit: the bystander is not stalled, the flooder gets 4100', async () => {
    const channel = 'private-flood';
    const result = await underFlood(
      async ({ socket, head }) => {
        const socketId = /socket_id\\":\\"([0-9.]+)/.exec(head())?.[1] ?? '';
        const auth = channelAuthSignature({ key: APP.key, secret: APP.secret, socketId, channel });
        socket.write(
          encodeClientFrame(JSON.stringify({ event: 'pusher:subscribe', data: { channel, auth } })),
        );
        await until(() => head().includes('pusher_internal:subscription_succeeded'));
      },
      frames(FLOOD_FRAMES, (i) => ({ event: 'client-x', channel, data: { i } })),
    );
    expectClosedOverCapacity(result);
    expect(result.worstMs).toBeLessThan(MAX_BYSTANDER_PING_MS);
  });

  it('subscribe/unsubscribe pairs on one channel', async () => {
    const result = await underFlood(
      async () => undefined,
      frames(FLOOD_FRAMES, (i) =>
        i % 2 === 0
          ? { event: 'pusher:subscribe', data: { channel: 'same' } }
          : { event: 'pusher:unsubscribe', data: { channel: 'same' } },
      ),
    );
    expectClosedOverCapacity(result);
    expect(result.worstMs).toBeLessThan(MAX_BYSTANDER_PING_MS);
  });

  it('subscribe/unsubscribe pairs on distinct channels', async () => {
    const result = await underFlood(
      async () => undefined,
      frames(FLOOD_FRAMES, (i) => ({
        event: i % 2 === 0 ? 'pusher:subscribe' : 'pusher:unsubscribe',
        data: { channel: `c-${i >> 1}` },
      })),
    );
    expectClosedOverCapacity(result);
    expect(result.worstMs).toBeLessThan(MAX_BYSTANDER_PING_MS);
  });

  it('a reconnecting client resubscribing 200 channels at once is within the burst', async () => {
    const { wsUrl } = await startServer();
    const client = await connect(wsUrl());
    for (let i = 0; i < 200; i++) client.subscribe(`room-${i}`);
    await waitUntil(() => client.count('pusher_internal:subscription_succeeded') === 200);
    await client.roundTrip();
    expect(client.count('pusher:error')).toBe(0);
  });
});

describe('inbound budget', () => {
  it('spends a burst, then refills at the per-second rates (frames and bytes)', () => {
    let now = 0;
    const limits = { framesPerSecond: 10, frameBurst: 5, bytesPerSecond: 1_000, byteBurst: 2_000 };
    const tokens = fullTokens(limits, now);
    const budget = { tryTake: (bytes: number) => spendInbound(tokens, limits, bytes, now) };
    for (let i = 0; i < 5; i++) expect(budget.tryTake(10)).toBe(true);
    expect(budget.tryTake(10)).toBe(false);
    now += 100; // one frame's worth of refill
    expect(budget.tryTake(10)).toBe(true);
    expect(budget.tryTake(10)).toBe(false);
    now += 10_000; // full again, capped at the bursts
    expect(budget.tryTake(2_001)).toBe(false);
    expect(budget.tryTake(1_990)).toBe(true);
    expect(budget.tryTake(20)).toBe(false);
  });

  it('never lets the budget undercut the app: client-event rate, frame size, subscription cap', () => {
    const options = {
      inboundFramesPerSecond: 100,
      inboundFrameBurst: 1_000,
      inboundBytesPerSecond: 1_048_576,
      inboundByteBurst: 8_388_608,
    };
    const relaxed = inboundBudgetFor(options, {
      clientEventsPerSecond: 100,
      maxFrameBytes: 4_194_304,
      maxSubscriptionsPerConnection: 10_000,
    });
    expect(relaxed.framesPerSecond).toBe(200);
    expect(relaxed.byteBurst).toBe(8_388_608);
    // A client at the subscription cap resubscribes to everything at once when it reconnects.
    expect(relaxed.frameBurst).toBe(10_100);
    const big = inboundBudgetFor(options, {
      clientEventsPerSecond: 10,
      maxFrameBytes: 16_777_216,
      maxSubscriptionsPerConnection: 1_000,
    });
    expect(big.byteBurst).toBe(33_554_432);
    expect(big.frameBurst).toBe(1_100);
    const off = inboundBudgetFor(
      { ...options, inboundFramesPerSecond: 0 },
      { clientEventsPerSecond: 100, maxFrameBytes: 1, maxSubscriptionsPerConnection: 0 },
    );
    expect(off.frameBurst).toBe(1_000);
    expect(off.framesPerSecond).toBe(0);
  });
});
