/**
 * Webhooks caused by WebSocket activity (the dispatcher itself is tested by the REST side):
 * occupied/vacated and member added/removed on the adapter's transitions only, client_event with a
 * string data, a deduplicated cache_miss, and subscription_count.
 */

import { startWebhookEventLog, waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import { APP, connect, startServer } from './ws-helpers';

describe('webhooks from WebSocket activity', () => {
  it('sends occupied, member_added, client_event, member_removed and vacated once each', async () => {
    const hook = await startWebhookEventLog();
    const { wsUrl } = await startServer({
      apps: [{ ...APP, subscriptionCountEvents: false, enableClientMessages: true }],
      webhooks: [{ url: hook.url }],
      vacateDelayMs: 0,
      webhookBatchMs: 0,
    });
    const a = await connect(wsUrl());
    const b = await connect(wsUrl());
    await a.join('presence-room', '{"user_id":"u1"}');
    await b.join('presence-room', '{"user_id":"u1"}');
    a.send({ event: 'client-hi', channel: 'presence-room', data: { x: 1 } });
    await b.event('client-hi');
    a.socket.close();
    b.socket.close();
    await waitUntil(() => hook.events.some((e) => e.name === 'channel_vacated'));
    expect(hook.events).toEqual([
      { name: 'channel_occupied', channel: 'presence-room' },
      { name: 'member_added', channel: 'presence-room', user_id: 'u1' },
      {
        name: 'client_event',
        channel: 'presence-room',
        event: 'client-hi',
        data: '{"x":1}',
        socket_id: await a.socketId(),
        user_id: 'u1',
      },
      { name: 'member_removed', channel: 'presence-room', user_id: 'u1' },
      { name: 'channel_vacated', channel: 'presence-room' },
    ]);
  });

  it('deduplicates cache_miss and reports subscription_count', async () => {
    const hook = await startWebhookEventLog();
    const { wsUrl } = await startServer({
      apps: [{ ...APP, subscriptionCountEvents: true }],
      webhooks: [{ url: hook.url, events: ['cache_miss', 'subscription_count'] }],
      webhookBatchMs: 0,
    });
    const a = await connect(wsUrl());
    const b = await connect(wsUrl());
    await a.join('cache-x');
    await b.join('cache-x');
    await a.event('pusher:cache_miss');
    await b.event('pusher:cache_miss');
    await waitUntil(() => hook.events.filter((e) => e.name === 'subscription_count').length === 2);
    await a.roundTrip();
    expect(hook.events.filter((e) => e.name === 'cache_miss')).toEqual([
      { name: 'cache_miss', channel: 'cache-x' },
    ]);
    expect(hook.events.filter((e) => e.name === 'subscription_count')).toEqual([
      { name: 'subscription_count', channel: 'cache-x', subscription_count: 1 },
      { name: 'subscription_count', channel: 'cache-x', subscription_count: 2 },
    ]);
  });
});
