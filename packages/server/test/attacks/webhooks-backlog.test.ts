/**
 * Attack 8.3: the webhook backlog. (a) App B's receiver hangs and B floods events: app A's
 * `channel_occupied` must still arrive promptly and nothing of A is dropped (the old queue was
 * shared by all apps and capped at 10,000 events, so B's flood made A's webhooks drop).
 * (b) Client events with heavily escaped data toward a hanging receiver: the queued bytes stay under
 * the caps and the process does not grow by hundreds of MB (the old queue counted events only and
 * held every body), and the drops are counted with the app id.
 */

import { startWebhookEventLog, waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import type { AppOptions } from '../../src/index';
import { connect, type RawClient, startServer } from '../ws-helpers';
import { startHangingReceiver } from './hanging-receiver';

const APP_A: AppOptions = {
  id: 'app-a',
  key: 'key-a',
  secret: 'secret-a',
  subscriptionCountEvents: false,
};
const FLOODER: AppOptions = {
  id: 'app-b',
  key: 'key-b',
  secret: 'secret-b',
  subscriptionCountEvents: false,
  enableClientMessages: true,
  limits: { clientEventsPerSecond: 0 },
};
const MiB = 1_048_576;
/** The default per-target byte cap (`webhookMaxQueuedBytesPerTarget`). */
const DEFAULT_TARGET_BYTES = 8 * MiB;

/** `count` connections of `app`, the n-th joined to `private-flood-n` (no fan-out between them). */
async function flooders(
  wsUrl: (key?: string) => string,
  app: AppOptions,
  count: number,
): Promise<RawClient[]> {
  const clients: RawClient[] = [];
  for (let index = 0; index < count; index++) {
    const client = await connect(wsUrl(app.key));
    await client.join(`private-flood-${index}`, undefined, app);
    clients.push(client);
  }
  return clients;
}

/** A client event frame for the channel of flooder `index`. */
function floodFrame(index: number, data: unknown): string {
  return JSON.stringify({ event: 'client-flood', channel: `private-flood-${index}`, data });
}

function droppedSeriesOf(metricsText: string, appId: string): string[] {
  return metricsText
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('pushwire_webhooks_dropped_total{') && line.includes(`app_id="${appId}"`),
    );
}

describe('attack: webhook backlog', () => {
  it("keeps app A's webhooks flowing while app B floods a hanging receiver", async () => {
    const hookA = await startWebhookEventLog();
    const hanging = await startHangingReceiver();
    const { server, wsUrl } = await startServer({
      apps: [
        { ...APP_A, webhooks: [{ url: hookA.url }] },
        { ...FLOODER, webhooks: [{ url: hanging.url }] },
      ],
      shutdownTimeoutMs: 200,
    });
    // 12 connections x 1,000 client events: more than the old shared cap of 10,000 events.
    const clients = await flooders(wsUrl, FLOODER, 12);
    clients.forEach((client, index) => {
      const frame = floodFrame(index, { n: index });
      for (let sent = 0; sent < 1_000; sent++) client.send(frame);
    });
    await Promise.all(clients.map((client) => client.roundTrip()));
    await waitUntil(() => hanging.requests > 0);

    const joinedAt = Date.now();
    const member = await connect(wsUrl(APP_A.key));
    await member.join('announcements', undefined, APP_A);
    await waitUntil(() => hookA.events.some((event) => event.name === 'channel_occupied'), 3_000);
    expect(Date.now() - joinedAt).toBeLessThan(2_000);
    expect(hookA.events).toEqual([{ name: 'channel_occupied', channel: 'announcements' }]);

    const metricsText = server.metrics.render();
    expect(droppedSeriesOf(metricsText, APP_A.id)).toEqual([]);
    expect(
      server.metrics.get('pushwire_webhooks_dropped_total', {
        app_id: FLOODER.id,
        reason: 'target_events_full',
      }),
    ).toBeGreaterThan(0);
  });

  it('keeps escaped client-event data toward a hanging receiver under the byte caps', async () => {
    const hanging = await startHangingReceiver();
    const { server, wsUrl } = await startServer({
      apps: [{ ...FLOODER, webhooks: [{ url: hanging.url }] }],
      shutdownTimeoutMs: 200,
    });
    // 20 connections, so that no single one sends much per second (a per-connection inbound
    // budget must not be what bounds this test).
    const clients = await flooders(wsUrl, FLOODER, 20);
    // 5,000 control characters: 5,000 bytes of data (under maxEventDataBytes), 30,000 once escaped.
    const frames = clients.map((_, index) => floodFrame(index, '\u0001'.repeat(5_000)));
    const queuedBytes = () =>
      server.metrics.get('pushwire_webhooks_queued_bytes', { app_id: FLOODER.id });
    let peakQueuedBytes = 0;
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    // 4,000 events (about 120 MB once escaped), in steps the server has processed before the next.
    for (let step = 0; step < 20; step++) {
      clients.forEach((client, index) => {
        for (let sent = 0; sent < 10; sent++) client.send(frames[index] as string);
      });
      await Promise.all(clients.map((client) => client.roundTrip()));
      peakQueuedBytes = Math.max(peakQueuedBytes, queuedBytes());
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const dropped = server.metrics.get('pushwire_webhooks_dropped_total', {
      app_id: FLOODER.id,
      reason: 'target_bytes_full',
    });
    expect(peakQueuedBytes).toBeGreaterThan(DEFAULT_TARGET_BYTES / 2);
    expect(peakQueuedBytes).toBeLessThanOrEqual(DEFAULT_TARGET_BYTES);
    expect(dropped).toBeGreaterThan(3_000);
    // The old queue held every body (hundreds of MB); the bounded one holds at most 8 MiB.
    expect((peakRss - rssBefore) / MiB).toBeLessThan(120);
  });
});
