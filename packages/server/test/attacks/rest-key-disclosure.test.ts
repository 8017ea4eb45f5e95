/**
 * Attack: probing REST with one app's key against other app ids to learn which key belongs to
 * which app. An unauthenticated error says only that the key is invalid: the same answer for an
 * unknown key and for another app's key, never an app id. An unknown app id is still 404 (the
 * Ruby gem relies on it).
 */
import { describe, expect, it } from 'vitest';
import { REST_APP, signedRequest, startRestServer } from '../http-helpers';

const OTHER_APP = Object.freeze({ id: 'other-9731', key: 'other-key', secret: 'other-secret' });
const EVENTS = `/apps/${REST_APP.id}/events`;
const BODY = JSON.stringify({ name: 'e', channels: ['c'], data: '{}' });

describe('unauthenticated REST errors', () => {
  it('never map a key to its app id', async () => {
    const rest = await startRestServer({ apps: [REST_APP, OTHER_APP] });
    const foreign = await signedRequest(rest.port, {
      method: 'POST',
      path: EVENTS,
      body: BODY,
      app: OTHER_APP,
    });
    const unknown = await signedRequest(rest.port, {
      method: 'POST',
      path: EVENTS,
      body: BODY,
      override: { auth_key: 'nobody' },
    });
    expect(foreign.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(foreign.json()).toEqual({ error: 'Invalid auth_key' });
    // Indistinguishable from an unknown key; neither app id appears.
    expect(foreign.text).toBe(unknown.text);
    expect(foreign.text).not.toContain(REST_APP.id);
    expect(foreign.text).not.toContain(OTHER_APP.id);
  });

  it('keep 404 for an unknown app id', async () => {
    const rest = await startRestServer({ apps: [REST_APP, OTHER_APP] });
    const response = await signedRequest(rest.port, {
      method: 'POST',
      path: '/apps/no-such-app/events',
      body: BODY,
    });
    expect(response.status).toBe(404);
  });
});
