/**
 * Every refusal is visible (issue 10.3): a refused connection, subscription, client event or REST
 * call is counted in `pushwire_refusals_total{kind,app_id}` and logged at debug with its kind,
 * code, app id and reason. `app_id` is only ever a configured app's id.
 */
import { channelAuthSignature } from '@pushwire/sdk';
import { waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../src/observability/logger';
import { REST_APP, signedRequest, startRestServer } from './http-helpers';
import { APP, connect, RawClient, startServer } from './ws-helpers';

interface Entry {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

function capture(entries: Entry[]): Logger {
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      entries.push({ level, message, fields });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function refusalsOf(entries: Entry[]): Record<string, unknown>[] {
  return entries
    .filter((entry) => entry.level === 'debug' && entry.message === 'refused')
    .map((entry) => entry.fields ?? {});
}

describe('refusals are counted by kind and app, and logged at debug', () => {
  it('for connections: unknown key, old protocol, origin', async () => {
    const entries: Entry[] = [];
    const { server, wsUrl } = await startServer({
      apps: [{ ...APP, allowedOrigins: ['https://ok.example'] }],
      logger: capture(entries),
    });
    for (const url of [
      wsUrl('no-such-key'),
      wsUrl(APP.key, 'protocol=4'),
      wsUrl(), // origin https://evil.example is not allowed
    ]) {
      await new RawClient(url, { origin: 'https://evil.example' }).closed;
    }
    const metrics = server.metrics.render();
    expect(metrics).toContain('pushwire_refusals_total{app_id="",kind="unknown_app"} 1');
    expect(metrics).toContain(
      `pushwire_refusals_total{app_id="${APP.id}",kind="unsupported_protocol"} 1`,
    );
    expect(metrics).toContain(
      `pushwire_refusals_total{app_id="${APP.id}",kind="origin_not_allowed"} 1`,
    );
    expect(refusalsOf(entries)).toEqual([
      expect.objectContaining({
        kind: 'unknown_app',
        code: 4001,
        reason: 'Application does not exist',
      }),
      expect.objectContaining({ kind: 'unsupported_protocol', code: 4007, appId: APP.id }),
      expect.objectContaining({ kind: 'origin_not_allowed', code: 4009, appId: APP.id }),
    ]);
  });

  it('for subscriptions and client events', async () => {
    const entries: Entry[] = [];
    const { server, wsUrl } = await startServer({
      apps: [{ ...APP, enableClientMessages: true }],
      logger: capture(entries),
    });
    const client = await connect(wsUrl());
    const socketId = await client.socketId();
    client.subscribe('private-a', `${APP.key}:${'0'.repeat(64)}`);
    await client.event('pusher:subscription_error', 'private-a');
    client.send({ event: 'client-hi', channel: 'private-b', data: {} });
    // The refused subscribe sent one pusher:error too; the client event's is the second.
    await waitUntil(() => client.count('pusher:error') === 2);
    const metrics = server.metrics.render();
    expect(metrics).toContain(
      `pushwire_refusals_total{app_id="${APP.id}",kind="subscription_auth"} 1`,
    );
    expect(metrics).toContain(
      `pushwire_refusals_total{app_id="${APP.id}",kind="client_event_rejected"} 1`,
    );
    expect(refusalsOf(entries)).toEqual([
      expect.objectContaining({
        kind: 'subscription_auth',
        appId: APP.id,
        channel: 'private-a',
        socketId,
      }),
      expect.objectContaining({ kind: 'client_event_rejected', appId: APP.id, code: 4301 }),
    ]);
    // A valid subscription is not a refusal.
    const channel = 'private-ok';
    client.subscribe(channel, channelAuthSignature({ ...APP, socketId, channel }));
    await client.event('pusher_internal:subscription_succeeded', channel);
    expect(refusalsOf(entries)).toHaveLength(2);
  });

  it('for REST calls, with the app only when the path names a configured one', async () => {
    const entries: Entry[] = [];
    const rest = await startRestServer({ logger: capture(entries) });
    const path = `/apps/${REST_APP.id}/channels`;
    const wrongSecret = await signedRequest(rest.port, {
      method: 'GET',
      path,
      app: { ...REST_APP, secret: 'not-the-secret' },
    });
    expect(wrongSecret.status).toBe(401);
    const unknownApp = await signedRequest(rest.port, {
      method: 'GET',
      path: '/apps/made-up/channels',
    });
    expect(unknownApp.status).toBe(404);
    const metrics = rest.server.metrics.render();
    expect(metrics).toContain(`pushwire_refusals_total{app_id="${REST_APP.id}",kind="http_401"} 1`);
    expect(metrics).toContain('pushwire_refusals_total{app_id="",kind="http_404"} 1');
    expect(metrics).not.toContain('made-up');
    expect(refusalsOf(entries)).toEqual([
      expect.objectContaining({ kind: 'http_401', code: 401, appId: REST_APP.id }),
      expect.objectContaining({ kind: 'http_404', code: 404 }),
    ]);
  });
});
