/**
 * Bad input never disturbs other clients; oversized frames close with 1009; a reader that stops
 * reading is dropped then closed with 4100; fan-out is exactly once and in publish order.
 */

import { waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import { LocalAdapter } from '../src/index';
import { APP, connect, type RawClient, startServer } from './ws-helpers';

const BASE = { ...APP, subscriptionCountEvents: false };

async function bystander(wsUrl: string): Promise<RawClient> {
  const client = await connect(wsUrl);
  await client.join('news');
  return client;
}

describe('bad input', () => {
  const cases: [string, string | Buffer, object][] = [
    ['malformed JSON', '{"event":', { code: null, message: expect.stringMatching(/Invalid JSON/) }],
    ['a JSON array', '[1,2]', { code: null, message: expect.stringMatching(/JSON object/) }],
    [
      'a missing event',
      '{"data":{}}',
      { code: null, message: expect.stringMatching(/missing string "event"/) },
    ],
    [
      'an unknown event',
      '{"event":"pusher:dance"}',
      { code: null, message: 'Unsupported event "pusher:dance"' },
    ],
    [
      'a subscribe without channel',
      '{"event":"pusher:subscribe","data":{}}',
      { code: null, message: expect.stringMatching(/"channel"/) },
    ],
    [
      'a binary frame',
      Buffer.from([1, 2, 3]),
      { code: null, message: 'Binary frames are not supported' },
    ],
  ];
  for (const [name, input, data] of cases) {
    it(`answers ${name} with pusher:error and keeps everyone connected`, async () => {
      const { server, wsUrl } = await startServer({ apps: [BASE] });
      const other = await bystander(wsUrl());
      const client = await connect(wsUrl());
      client.socket.send(input);
      expect(await client.event('pusher:error')).toEqual({ event: 'pusher:error', data });
      await client.roundTrip();
      server.adapter.publish({
        appId: APP.id,
        channel: 'news',
        frame: '{"event":"e","channel":"news","data":"1"}',
      });
      await other.event('e');
      expect(server.metrics.render()).toMatch(
        /pushwire_errors_total\{app_id="[^"]*",kind="[a-z_]+"\} 1/,
      );
    });
  }

  it('closes an oversized frame with 1009 and keeps serving others', async () => {
    const { server, wsUrl } = await startServer({
      apps: [{ ...BASE, limits: { maxFrameBytes: 1024 } }],
    });
    const other = await bystander(wsUrl());
    const client = await connect(wsUrl());
    client.send({ event: 'client-x', channel: 'private-a', data: 'x'.repeat(2000) });
    expect((await client.closed).code).toBe(1009);
    server.adapter.publish({
      appId: APP.id,
      channel: 'news',
      frame: '{"event":"e","channel":"news","data":"1"}',
    });
    await other.event('e');
    expect(server.metrics.get('pushwire_errors_total', { kind: 'frame_too_large' })).toBe(1);
  });
});

describe('delivery', () => {
  it('delivers every published frame exactly once, in publish order, honouring exceptSocketId', async () => {
    const { server, wsUrl } = await startServer({ apps: [BASE] });
    const a = await bystander(wsUrl());
    const b = await bystander(wsUrl());
    const bId = await b.socketId();
    for (let i = 0; i < 200; i += 1) {
      server.adapter.publish({
        appId: APP.id,
        channel: 'news',
        frame: JSON.stringify({ event: 'n', channel: 'news', data: String(i) }),
        ...(i % 2 === 0 ? {} : { exceptSocketId: bId }),
      });
    }
    await a.waitFor((f) => f.event === 'n' && f.data === '199');
    await b.waitFor((f) => f.event === 'n' && f.data === '198');
    await b.roundTrip();
    const seen = (c: RawClient) =>
      c.frames.filter((f) => f.event === 'n').map((f) => Number(f.data));
    expect(seen(a)).toEqual([...Array(200).keys()]);
    expect(seen(b)).toEqual([...Array(100).keys()].map((i) => i * 2));
  });

  it('drops frames for a reader that stopped reading, then closes it with 4100', async () => {
    const adapter = new LocalAdapter();
    const { server, wsUrl } = await startServer({
      apps: [BASE],
      adapter,
      maxBufferedBytes: 65_536,
    });
    const healthy = await bystander(wsUrl());
    const stalled = await bystander(wsUrl());
    stalled.socket.pause();
    const frame = JSON.stringify({ event: 'big', channel: 'news', data: 'x'.repeat(256 * 1024) });
    // Publish until the server has given up on the stalled socket (no sleeps: each round yields).
    await waitUntil(async () => {
      adapter.publish({ appId: APP.id, channel: 'news', frame });
      await new Promise((resolve) => setImmediate(resolve));
      return server.metrics.get('pushwire_errors_total', { kind: 'over_capacity' }) === 1;
    }, 15_000);
    expect(server.metrics.render()).toMatch(
      /pushwire_dropped_messages_total\{reason="backpressure"\} [1-9]/,
    );
    stalled.socket.resume();
    expect((await stalled.closed).code).toBe(4100);
    await healthy.roundTrip();
    expect(healthy.count('big')).toBeGreaterThan(0);
  });
});
