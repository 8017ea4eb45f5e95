/**
 * Client events over a raw `ws` client: where they are allowed, never echoed, user_id on presence,
 * data re-stringified, limits and the per-connection rate limit (errors 4301, socket kept open).
 */
import { describe, expect, it } from 'vitest';
import { APP, connect, startServer } from './ws-helpers';

/** Client events are off unless an app enables them (Pusher's default): these tests enable them. */
const BASE = { ...APP, subscriptionCountEvents: false, enableClientMessages: true };

function rejection(message: string | RegExp) {
  return { event: 'pusher:error', data: { code: 4301, message: expect.stringMatching(message) } };
}

describe('client events', () => {
  it('relays to other subscribers of a private channel, never to the sender', async () => {
    const { wsUrl } = await startServer({ apps: [BASE] });
    const a = await connect(wsUrl());
    const b = await connect(wsUrl());
    await a.join('private-chat');
    await b.join('private-chat');
    a.send({ event: 'client-typing', channel: 'private-chat', data: '{"who":"a"}' });
    const got = await b.event('client-typing');
    expect(got).toEqual({ event: 'client-typing', channel: 'private-chat', data: '{"who":"a"}' });
    await a.roundTrip();
    expect(a.count('client-typing')).toBe(0);
  });

  it('re-stringifies object data and adds user_id on presence channels', async () => {
    const { wsUrl } = await startServer({ apps: [BASE] });
    const a = await connect(wsUrl());
    const b = await connect(wsUrl());
    await a.join('presence-room', '{"user_id":"alice"}');
    await b.join('presence-room', '{"user_id":"bob"}');
    a.send({ event: 'client-wave', channel: 'presence-room', data: { hello: 'world' } });
    const got = await b.event('client-wave');
    expect(got).toEqual({
      event: 'client-wave',
      channel: 'presence-room',
      data: '{"hello":"world"}',
      user_id: 'alice',
    });
  });

  it('rejects client events on public channels, unsubscribed channels and disabled apps', async () => {
    const { wsUrl } = await startServer({ apps: [BASE] });
    const a = await connect(wsUrl());
    await a.join('news');
    a.send({ event: 'client-x', channel: 'news', data: '{}' });
    a.send({ event: 'client-x', channel: 'private-other', data: '{}' });
    await a.roundTrip();
    const errors = a.frames.filter((f) => f.event === 'pusher:error');
    expect(errors).toEqual([rejection(/private and presence/), rejection(/not subscribed/)]);

    const off = await startServer({ apps: [{ ...BASE, enableClientMessages: false }] });
    const c = await connect(off.wsUrl());
    await c.join('private-a');
    c.send({ event: 'client-x', channel: 'private-a', data: '{}' });
    expect(await c.event('pusher:error')).toEqual(rejection(/disabled/));
    expect(c.socket.readyState).toBe(c.socket.OPEN);
  });

  it('rejects oversized data and over-long names', async () => {
    const { wsUrl } = await startServer({
      apps: [{ ...BASE, limits: { maxEventDataBytes: 10, maxEventNameLength: 12 } }],
    });
    const a = await connect(wsUrl());
    await a.join('private-a');
    a.send({ event: 'client-x', channel: 'private-a', data: '12345678901' });
    a.send({ event: 'client-very-long-name', channel: 'private-a', data: '1' });
    await a.roundTrip();
    expect(a.frames.filter((f) => f.event === 'pusher:error')).toEqual([
      rejection(/11 bytes/),
      rejection(/longer than 12/),
    ]);
  });

  it('rate limits per connection: over the limit is dropped with 4301 and counted', async () => {
    const { server, wsUrl } = await startServer({
      apps: [{ ...BASE, limits: { clientEventsPerSecond: 3 } }],
    });
    const a = await connect(wsUrl());
    const b = await connect(wsUrl());
    await a.join('private-a');
    await b.join('private-a');
    for (let i = 0; i < 6; i += 1) {
      a.send({ event: 'client-n', channel: 'private-a', data: String(i) });
    }
    await a.roundTrip();
    await b.roundTrip();
    const errors = a.frames.filter((f) => f.event === 'pusher:error');
    const delivered = b.count('client-n');
    const dropped = Number(
      /pushwire_dropped_messages_total\{reason="rate_limited"\} (\d+)/.exec(
        server.metrics.render(),
      )?.[1] ?? 0,
    );
    // Six events in (at most) two one-second windows: at least 3 and at most 6 pass.
    expect(delivered + dropped).toBe(6);
    expect(dropped).toBeGreaterThan(0);
    // One error per window however many events it drops (a flood is never amplified).
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(2);
    expect(errors[0]).toEqual(rejection(/rate limit/));
  });
});
