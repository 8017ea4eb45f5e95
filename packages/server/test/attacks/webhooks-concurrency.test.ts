/**
 * Attack 8.4: outbound webhook sockets. Toward a receiver that never answers, the server used to
 * open one socket per pending POST (10,000 with batching off), starving its own file descriptors.
 * Now each (app, target) has at most `webhookConcurrencyPerTarget` (8) requests in flight, batching
 * on or off; the rest wait in the bounded backlog, and every request has a timeout.
 */

import { waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import type { AppOptions } from '../../src/index';
import { connect, startServer } from '../ws-helpers';
import { startHangingReceiver } from './hanging-receiver';

const DEFAULT_CONCURRENCY = 8;
const SENDER: AppOptions = {
  id: 'app-c',
  key: 'key-c',
  secret: 'secret-c',
  subscriptionCountEvents: false,
  enableClientMessages: true,
  limits: { clientEventsPerSecond: 0 },
};

/** Sends `count` client events from one connection and waits until the server processed them. */
async function sendClientEvents(wsUrl: string, count: number): Promise<void> {
  const client = await connect(wsUrl);
  await client.join('private-many', undefined, SENDER);
  const frame = JSON.stringify({ event: 'client-e', channel: 'private-many', data: { x: 1 } });
  for (let index = 0; index < count; index++) client.send(frame);
  await client.roundTrip();
}

/** Lets the dispatcher open whatever it would open, then a little more time. */
async function settle(receiver: { readonly requests: number }, atLeast: number): Promise<void> {
  await waitUntil(() => receiver.requests >= atLeast);
  await new Promise((resolve) => setTimeout(resolve, 500));
}

describe('attack: outbound webhook sockets', () => {
  it('opens at most 8 sockets to a hanging receiver with batching off', async () => {
    const hanging = await startHangingReceiver();
    const { wsUrl } = await startServer({
      apps: [{ ...SENDER, webhookBatching: false, webhooks: [{ url: hanging.url }] }],
      shutdownTimeoutMs: 200,
    });
    await sendClientEvents(wsUrl(SENDER.key), 500);
    await settle(hanging, DEFAULT_CONCURRENCY);
    expect(hanging.maxOpenSockets).toBeLessThanOrEqual(DEFAULT_CONCURRENCY);
    expect(hanging.requests).toBe(DEFAULT_CONCURRENCY);
  });

  it('opens at most 8 sockets with batching on, whatever the number of batches', async () => {
    const hanging = await startHangingReceiver();
    const { wsUrl } = await startServer({
      apps: [{ ...SENDER, webhooks: [{ url: hanging.url }] }],
      webhookBatchMs: 1,
      shutdownTimeoutMs: 200,
      // One connection sends them all: raise its inbound frame burst above the default 1,100.
      inboundFrameBurst: 5_000,
    });
    // 3,000 events make 30 full batches of 100.
    await sendClientEvents(wsUrl(SENDER.key), 3_000);
    await settle(hanging, DEFAULT_CONCURRENCY);
    expect(hanging.maxOpenSockets).toBeLessThanOrEqual(DEFAULT_CONCURRENCY);
    expect(hanging.requests).toBe(DEFAULT_CONCURRENCY);
  });

  it('times out hanging requests and moves on, still within the cap', async () => {
    const hanging = await startHangingReceiver();
    const { wsUrl } = await startServer({
      apps: [{ ...SENDER, webhookBatching: false, webhooks: [{ url: hanging.url }] }],
      webhookConcurrencyPerTarget: 2,
      webhookRequestTimeoutMs: 200,
      shutdownTimeoutMs: 200,
    });
    await sendClientEvents(wsUrl(SENDER.key), 20);
    // Each round of 2 requests is abandoned after 200 ms and the next 2 start.
    await waitUntil(() => hanging.requests >= 6, 5_000);
    // The receiver may see an abandoned round closing while the next one opens (2 rounds at most).
    expect(hanging.maxOpenSockets).toBeLessThanOrEqual(2 * 2);
    await waitUntil(() => hanging.openSockets <= 2);
  });
});
