/**
 * Webhooks sent by a running server for real WebSocket activity: channel_occupied, member_added,
 * client_event (data and user_id as strings), member_removed and channel_vacated after the
 * vacate delay, and no vacated when the channel is re-occupied within the delay. Every POST is
 * verified with the official `pusher` package.
 */

import { type ReceivedWebhook, startWebhookReceiver, waitUntil } from '@pushwire/test-support';
import Pusher from 'pusher';
import { describe, expect, it } from 'vitest';
import type { ServerWebhookEvent } from '../src/index';
import { REST_APP, startRestServer } from './http-helpers';
import { connect } from './ws-helpers';

const official = new Pusher({
  appId: REST_APP.id,
  key: REST_APP.key,
  secret: REST_APP.secret,
  host: '127.0.0.1',
});

function allEvents(received: readonly ReceivedWebhook[]): ServerWebhookEvent[] {
  return received.flatMap((hook) => {
    expect(hook.headers['content-type']).toBe('application/json');
    expect(
      official
        .webhook({ headers: hook.headers as Record<string, string>, rawBody: hook.rawBody })
        .isValid(),
    ).toBe(true);
    return (JSON.parse(hook.rawBody) as { events: ServerWebhookEvent[] }).events;
  });
}

describe('webhooks from a running server', () => {
  it('reports presence and client activity with string fields, then vacated after the delay', async () => {
    const receiver = await startWebhookReceiver();
    const rest = await startRestServer({
      webhooks: [{ url: receiver.url }],
      vacateDelayMs: 50,
      webhookBatchMs: 10,
      apps: [{ ...REST_APP, subscriptionCountEvents: false, enableClientMessages: true }],
    });
    const client = await connect(rest.wsUrl());
    await client.join('presence-hooks', JSON.stringify({ user_id: 42, user_info: {} }), REST_APP);
    client.send({ event: 'client-wave', channel: 'presence-hooks', data: { hello: 'world' } });
    await waitUntil(() =>
      allEvents(receiver.received).some((event) => event.name === 'client_event'),
    );

    client.socket.close();
    await waitUntil(() =>
      allEvents(receiver.received).some((event) => event.name === 'channel_vacated'),
    );
    const events = allEvents(receiver.received);
    expect(events).toContainEqual({ name: 'channel_occupied', channel: 'presence-hooks' });
    expect(events).toContainEqual({
      name: 'member_added',
      channel: 'presence-hooks',
      user_id: '42',
    });
    expect(events).toContainEqual({
      name: 'member_removed',
      channel: 'presence-hooks',
      user_id: '42',
    });
    const clientEvent = events.find((event) => event.name === 'client_event');
    expect(clientEvent).toMatchObject({
      channel: 'presence-hooks',
      event: 'client-wave',
      data: '{"hello":"world"}',
      user_id: '42',
    });
    expect(typeof (clientEvent as { socket_id: string }).socket_id).toBe('string');
  });

  it('sends no vacated when the channel is re-occupied within the delay', async () => {
    const receiver = await startWebhookReceiver();
    const rest = await startRestServer({
      webhooks: [
        { url: receiver.url, events: ['channel_occupied', 'channel_vacated', 'cache_miss'] },
      ],
      vacateDelayMs: 60_000,
      webhookBatchMs: 0,
    });
    const first = await connect(rest.wsUrl());
    await first.join('blink', undefined, REST_APP);
    await receiver.waitFor(1);
    first.socket.close();
    await first.closed;
    const second = await connect(rest.wsUrl());
    await second.join('blink', undefined, REST_APP);
    // A later, unrelated event proves the dispatcher processed everything before it.
    await second.join('cache-sentinel', undefined, REST_APP);
    await waitUntil(() =>
      allEvents(receiver.received).some((event) => event.name === 'cache_miss'),
    );
    const names = allEvents(receiver.received)
      .filter((event) => event.channel === 'blink')
      .map((event) => event.name);
    expect(names).toEqual(['channel_occupied']);
  });
});
