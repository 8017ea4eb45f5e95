/**
 * Attack: forged client events on a `private-encrypted-` channel. Subscribers cannot decrypt them
 * and pusher-js answers each one by calling the app's auth endpoint again, so one sender could
 * make every subscriber hammer the app. Pusher refuses client events there: so must we, with a
 * `pusher:error` 4301 to the sender and nothing relayed (no frame, no `client_event` webhook).
 */
import { describe, expect, it } from 'vitest';
import { APP, connect, startServer } from '../ws-helpers';

const CHANNEL = 'private-encrypted-vault';

describe('client events on encrypted channels', () => {
  it('are refused with 4301 and never reach a subscriber', async () => {
    const { server, wsUrl } = await startServer({
      apps: [{ ...APP, enableClientMessages: true, subscriptionCountEvents: false }],
    });
    const sender = await connect(wsUrl());
    const subscribers = await Promise.all([1, 2, 3].map(() => connect(wsUrl())));
    await sender.join(CHANNEL);
    for (const subscriber of subscribers) await subscriber.join(CHANNEL);

    for (let i = 0; i < 5; i++) {
      sender.send({
        event: 'client-forged',
        channel: CHANNEL,
        data: { nonce: 'AAAA', ciphertext: `forged-${i}` },
      });
    }
    await sender.roundTrip();
    for (const subscriber of subscribers) await subscriber.roundTrip();

    const errors = sender.frames.filter((frame) => frame.event === 'pusher:error');
    expect(errors).toHaveLength(5);
    for (const error of errors) {
      expect(error.data).toEqual({
        code: 4301,
        message: 'Client events are not supported on encrypted channels',
      });
    }
    for (const subscriber of subscribers) {
      expect(subscriber.count('client-forged')).toBe(0);
    }
    expect(sender.socket.readyState).toBe(sender.socket.OPEN);
    expect(server.metrics.get('pushwire_errors_total', { kind: 'client_event_rejected' })).toBe(5);
  });

  it('still relays client events on ordinary private channels', async () => {
    const { wsUrl } = await startServer({
      apps: [{ ...APP, enableClientMessages: true, subscriptionCountEvents: false }],
    });
    const sender = await connect(wsUrl());
    const receiver = await connect(wsUrl());
    await sender.join('private-plain');
    await receiver.join('private-plain');
    sender.send({ event: 'client-hello', channel: 'private-plain', data: { a: 1 } });
    expect(await receiver.event('client-hello')).toEqual({
      event: 'client-hello',
      channel: 'private-plain',
      data: '{"a":1}',
    });
  });
});
