/**
 * The vitest recipe of docs/testing.md, as printed there: an app function that triggers an event,
 * checked on the server side (nextEvent), by a pusher-js client, and through a webhook.
 */
import { Pusher } from '@pushwire/sdk';
import { startTestServer, type TestServer } from '@pushwire/server/testing';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';

// The code under test: in your app this is imported from your own module.
async function shipOrder(pusher: Pusher, order: { id: number; userId: number }): Promise<void> {
  await pusher.trigger(`private-user-${order.userId}`, 'order-shipped', { id: order.id });
}

let server: TestServer;
let pusher: Pusher;
beforeAll(async () => {
  server = await startTestServer();
  pusher = new Pusher(server.sdkOptions); // or the official `pusher` package: same options
});
beforeEach(() => server.clear());
afterAll(async () => {
  pusher.close();
  await server.close();
});

test('shipping an order publishes order-shipped to the user', async () => {
  await shipOrder(pusher, { id: 7, userId: 42 });
  const event = await server.nextEvent({ channel: 'private-user-42', name: 'order-shipped' });
  expect(event.json).toEqual({ id: 7 });
});

test("the user's browser receives it", async () => {
  const client = await server.client({ user: { id: '42' } });
  const channel = await server.subscribe(client, 'private-user-42');
  const received = new Promise((resolve) => channel.bind('order-shipped', resolve));
  await shipOrder(pusher, { id: 8, userId: 42 });
  expect(await received).toEqual({ id: 8 });
});

test('a client joining a presence channel causes member_added', async () => {
  const client = await server.client({ user: { id: 'ada', info: { name: 'Ada' } } });
  await server.subscribe(client, 'presence-support');
  const webhook = await server.nextWebhook({ name: 'member_added', channel: 'presence-support' });
  expect(webhook).toMatchObject({ user_id: 'ada' });
});
