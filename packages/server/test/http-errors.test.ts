/**
 * Every rejected REST request gets its documented status and a JSON `{"error": ...}` body that
 * never contains the secret or the expected signature, and the server keeps serving afterwards.
 */
import { md5Hex } from '@pushwire/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import {
  REST_APP,
  type RestServer,
  rawRequest,
  rejectionOf,
  signedRequest,
  startRestServer,
} from './http-helpers';

const EVENTS = `/apps/${REST_APP.id}/events`;
const BATCH = `/apps/${REST_APP.id}/batch_events`;
const event = (fields: Record<string, unknown>) =>
  JSON.stringify({ name: 'e', data: 'd', channels: ['c'], ...fields });

let current: RestServer | undefined;

async function server(options: Parameters<typeof startRestServer>[0] = {}): Promise<RestServer> {
  current = await startRestServer(options);
  return current;
}

afterEach(async () => {
  // The server still serves a valid request after whatever the test sent.
  if (current === undefined) return;
  const response = await current.pusher().trigger('still-alive', 'e', 'd');
  expect(response.status).toBe(200);
  current = undefined;
});

function expectJsonError(
  response: { status: number; contentType: string | null; text: string },
  status: number,
) {
  expect(response.status).toBe(status);
  expect(response.contentType).toBe('application/json');
  const body = JSON.parse(response.text) as { error: string };
  expect(typeof body.error).toBe('string');
  expect(response.text).not.toContain(REST_APP.secret);
  return body.error;
}

describe('authentication (401)', () => {
  it('rejects a wrong secret from the official client without leaking anything', async () => {
    const rest = await server();
    const error = await rejectionOf(
      rest.pusher({ ...REST_APP, secret: 'not-the-secret' }).trigger('c', 'e', 'd'),
    );
    expect(error.status).toBe(401);
    expect(JSON.parse(error.body)).toEqual({
      error:
        'Invalid signature: auth_signature must be the HMAC-SHA256 of "METHOD\\npath\\nsorted query" with the app secret',
    });
    expect(error.body).not.toContain(REST_APP.secret);
  });

  it('rejects a stale or future auth_timestamp', async () => {
    const rest = await server();
    // Well past the 600 s tolerance, so a request handled a second or two late still fails.
    for (const skew of [-650, 650]) {
      const response = await signedRequest(rest.port, {
        method: 'POST',
        path: EVENTS,
        body: event({}),
        timestamp: Math.floor(Date.now() / 1000) + skew,
      });
      expect(expectJsonError(response, 401)).toMatch(/^auth_timestamp is 6[45]\d seconds away/);
    }
  });

  it('honours a configured timestamp tolerance', async () => {
    const rest = await server({ authTimestampToleranceSec: 5 });
    const response = await signedRequest(rest.port, {
      method: 'POST',
      path: EVENTS,
      body: event({}),
      timestamp: Math.floor(Date.now() / 1000) - 60,
    });
    expectJsonError(response, 401);
  });

  it('rejects a body_md5 that does not match the raw body', async () => {
    const rest = await server();
    const body = event({});
    const response = await signedRequest(rest.port, {
      method: 'POST',
      path: EVENTS,
      body,
      override: { body_md5: md5Hex(`${body} `) },
    });
    expect(expectJsonError(response, 401)).toBe(
      'body_md5 does not match the MD5 of the request body',
    );
  });

  it('rejects missing parameters, an unknown key, a foreign key and a bad version', async () => {
    const rest = await server({
      apps: [REST_APP, { id: 'other', key: 'other-key', secret: 'other-secret' }],
    });
    const missing = await rawRequest(rest.port, { method: 'POST', path: EVENTS, body: event({}) });
    expect(expectJsonError(missing, 401)).toBe('Missing auth_key');

    const unknown = await signedRequest(rest.port, {
      method: 'POST',
      path: EVENTS,
      body: event({}),
      override: { auth_key: 'nobody' },
    });
    expect(expectJsonError(unknown, 401)).toBe('Invalid auth_key');

    const foreign = await signedRequest(rest.port, {
      method: 'POST',
      path: EVENTS,
      body: event({}),
      app: { id: 'other', key: 'other-key', secret: 'other-secret' },
    });
    expect(expectJsonError(foreign, 401)).toBe('Invalid auth_key');

    const version = await signedRequest(rest.port, {
      method: 'POST',
      path: EVENTS,
      body: event({}),
      override: { auth_version: '2.0' },
    });
    expect(expectJsonError(version, 401)).toBe('Unsupported auth_version; expected 1.0');
  });
});

describe('routing (404, 405, 403)', () => {
  it('answers 404 for an unknown app id', async () => {
    const rest = await server();
    const error = await rejectionOf(rest.pusher({ ...REST_APP, id: '999' }).trigger('c', 'e', 'd'));
    expect(error.status).toBe(404);
    expect(JSON.parse(error.body)).toEqual({ error: 'Unknown app id "999"' });
  });

  it('answers 405 with Allow for a wrong method', async () => {
    const rest = await server();
    const response = await rawRequest(rest.port, { method: 'GET', path: EVENTS });
    expectJsonError(response, 405);
  });

  it('answers 403 for a disabled app after authentication', async () => {
    const disabled = { id: 'off', key: 'off-key', secret: 'off-secret', enabled: false };
    const rest = await server({ apps: [REST_APP, disabled] });
    const error = await rejectionOf(rest.pusher(disabled).trigger('c', 'e', 'd'));
    expect(error.status).toBe(403);
    expect(JSON.parse(error.body)).toEqual({ error: 'App off is disabled' });
  });
});

describe('input validation (400, 413)', () => {
  it('rejects bad JSON and non-object bodies', async () => {
    const rest = await server();
    for (const [body, message] of [
      ['{"name":', 'Request body is not valid JSON'],
      ['[1,2]', 'Request body must be a JSON object'],
    ] as const) {
      const response = await signedRequest(rest.port, { method: 'POST', path: EVENTS, body });
      expect(expectJsonError(response, 400)).toBe(message);
    }
  });

  it.each([
    [{ channels: ['bad channel!'] }, 'channels[0] is not a valid channel name'],
    [{ channels: ['x'.repeat(165)] }, 'channels[0] is 165 characters long; the limit is 164'],
    [{ channels: [] }, 'channels must be a non-empty array of channel names'],
    [{ data: { not: 'a string' } }, 'data must be a string (serialize objects to JSON first)'],
    [{ name: '' }, 'name must be a non-empty string'],
    [{ name: 'n'.repeat(201) }, 'name is 201 characters long; the limit is 200'],
    [{ name: 'pusher:x' }, 'name may not start with pusher: or pusher_internal:'],
    [{ socket_id: 'abc' }, 'socket_id must look like "1234.5678"'],
    [{ info: 'bogus' }, 'info: unknown attribute "bogus"; allowed: user_count, subscription_count'],
  ])('rejects %j with 400', async (fields, message) => {
    const rest = await server();
    const response = await signedRequest(rest.port, {
      method: 'POST',
      path: EVENTS,
      body: event(fields),
    });
    expect(expectJsonError(response, 400)).toContain(message);
  });

  it('rejects more than 100 channels in one event', async () => {
    const rest = await server();
    const channels = Array.from({ length: 101 }, (_, index) => `c${index}`);
    const response = await signedRequest(rest.port, {
      method: 'POST',
      path: EVENTS,
      body: event({ channels }),
    });
    expect(expectJsonError(response, 400)).toBe(
      'channels has 101 entries; the limit is 100 per event',
    );
  });

  it('rejects a batch of more than 10 events (the official client sends it)', async () => {
    const rest = await server();
    const batch = Array.from({ length: 11 }, () => ({ channel: 'c', name: 'e', data: 'd' }));
    const error = await rejectionOf(rest.pusher().triggerBatch(batch));
    expect(error.status).toBe(400);
    expect(JSON.parse(error.body)).toEqual({ error: 'batch has 11 events; the limit is 10' });
  });

  it('rejects an invalid batch item without publishing any item', async () => {
    const rest = await server();
    const body = JSON.stringify({
      batch: [
        { channel: 'ok', name: 'e', data: 'd' },
        { channel: 'bad name', name: 'e', data: 'd' },
      ],
    });
    const response = await signedRequest(rest.port, { method: 'POST', path: BATCH, body });
    expect(expectJsonError(response, 400)).toContain(
      'batch[1].channel is not a valid channel name',
    );
    expect(rest.server.metrics.get('pushwire_api_events_total')).toBe(0);
  });

  it('answers 413 for data over 10 KB, from the official client too', async () => {
    const rest = await server();
    const error = await rejectionOf(rest.pusher().trigger('c', 'big', 'x'.repeat(10_241)));
    expect(error.status).toBe(413);
    expect(JSON.parse(error.body)).toEqual({
      error: 'data is 10241 bytes; the limit is 10240 bytes',
    });
    // Exactly at the limit is accepted; multi-byte characters count as bytes.
    expect((await rest.pusher().trigger('c', 'ok', 'x'.repeat(10_240))).status).toBe(200);
    const accents = await rejectionOf(rest.pusher().trigger('c', 'big', 'é'.repeat(5_121)));
    expect(accents.status).toBe(413);
  });

  it('answers 413 for a body over maxRequestBytes', async () => {
    const rest = await server({ apps: [{ ...REST_APP, limits: { maxRequestBytes: 1_000 } }] });
    const response = await signedRequest(rest.port, {
      method: 'POST',
      path: EVENTS,
      body: event({ data: 'y'.repeat(2_000) }),
    });
    expect(expectJsonError(response, 413)).toBe(
      'Request body is larger than the limit of 1000 bytes',
    );
  });

  it('stops reading a huge upload and keeps serving', async () => {
    const rest = await server({ apps: [{ ...REST_APP, limits: { maxRequestBytes: 1_000 } }] });
    const outcome = await signedRequest(rest.port, {
      method: 'POST',
      path: EVENTS,
      body: event({ data: 'h'.repeat(12_000_000) }),
    }).then(
      (response) => response.status,
      () => 'connection closed',
    );
    expect([413, 'connection closed']).toContain(outcome);
  });

  it('accepts relaxed limits: 1 MB data and 1000 channels', async () => {
    const rest = await server({ relaxed: true });
    const channels = Array.from({ length: 1_000 }, (_, index) => `r${index}`);
    const many = await signedRequest(rest.port, {
      method: 'POST',
      path: EVENTS,
      body: event({ channels }),
    });
    expect(many.status).toBe(200);
    const large = await signedRequest(rest.port, {
      method: 'POST',
      path: EVENTS,
      body: event({ data: 'z'.repeat(1_000_000) }),
    });
    expect(large.status).toBe(200);
  });

  it('rejects invalid channel names in queries and terminate user ids', async () => {
    const rest = await server();
    const query = await signedRequest(rest.port, {
      method: 'GET',
      path: `/apps/${REST_APP.id}/channels/bad%20name`,
    });
    expect(expectJsonError(query, 400)).toContain('channel name is not a valid channel name');
    const longUser = 'u'.repeat(129);
    const error = await rejectionOf(rest.pusher().terminateUserConnections(longUser));
    expect(error.status).toBe(400);
  });
});
