/**
 * Attack (issue 8.5): one connection holding an unbounded number of subscriptions (250,000 cost
 * 164 MB). Past `maxSubscriptionsPerConnection` (default 1,000) a subscribe is refused with a
 * `pusher:subscription_error` (LimitReached, 4100) plus `pusher:error`, counted as
 * `pushwire_errors_total{kind="subscription_limit"}`; the socket stays open and a slot freed by an
 * unsubscribe can be used again.
 */

import { waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import { APP, connect, startServer } from '../ws-helpers';

const DEFAULT_CAP = 1_000;
// Within the default inbound frame burst (the cap + 100), so the budget does not close the socket.
const ATTEMPTS = 1_080;

function subscribeFrame(channel: string): string {
  return JSON.stringify({ event: 'pusher:subscribe', data: { channel } });
}

describe('per-connection subscription cap', () => {
  it('refuses subscriptions past the default cap, counted, and keeps the socket', async () => {
    const { server, wsUrl } = await startServer();
    const client = await connect(wsUrl());
    for (let i = 0; i < ATTEMPTS; i += 1) client.send(subscribeFrame(`cap-${i}`));
    // Pings are answered outside the subscription queue: wait for every answer instead.
    const answered = () =>
      client.count('pusher_internal:subscription_succeeded') +
      client.count('pusher:subscription_error');
    await waitUntil(() => answered() >= ATTEMPTS, 15_000).catch(() => undefined);

    expect(client.count('pusher_internal:subscription_succeeded')).toBe(DEFAULT_CAP);
    const refusals = client.frames.filter((f) => f.event === 'pusher:subscription_error');
    expect(refusals).toHaveLength(ATTEMPTS - DEFAULT_CAP);
    expect(refusals[0]).toEqual({
      event: 'pusher:subscription_error',
      channel: `cap-${DEFAULT_CAP}`,
      data: {
        type: 'LimitReached',
        error: `Cannot subscribe to cap-${DEFAULT_CAP}: this connection is subscribed to ${DEFAULT_CAP} channels, the limit`,
        status: 4100,
      },
    });
    expect(client.count('pusher:error')).toBe(ATTEMPTS - DEFAULT_CAP);
    expect((await server.adapter.channels(APP.id)).size).toBe(DEFAULT_CAP);
    expect(server.metrics.get('pushwire_errors_total', { kind: 'subscription_limit' })).toBe(
      ATTEMPTS - DEFAULT_CAP,
    );

    // Still connected; an unsubscribe frees a slot.
    client.send({ event: 'pusher:unsubscribe', data: { channel: 'cap-0' } });
    await client.join('after-unsubscribe');
    await waitUntil(async () => (await server.adapter.channel(APP.id, 'cap-0')) === undefined);
  });

  it('follows the app limit override', async () => {
    const { wsUrl } = await startServer({
      apps: [{ ...APP, limits: { maxSubscriptionsPerConnection: 3 } }],
    });
    const client = await connect(wsUrl());
    for (let i = 0; i < 5; i += 1) client.send(subscribeFrame(`small-${i}`));
    await waitUntil(() => client.count('pusher:error') >= 2, 15_000).catch(() => undefined);
    expect(client.count('pusher_internal:subscription_succeeded')).toBe(3);
    expect(client.count('pusher:subscription_error')).toBe(2);
  });
});
