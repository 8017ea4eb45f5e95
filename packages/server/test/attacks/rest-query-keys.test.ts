/**
 * Attack: a captured signed REST request replayed with a parameter name in another case. Signing
 * lowercases the names, so `FILTER_BY_PREFIX=` verifies exactly like `filter_by_prefix=`; the
 * server read exact names, so the filter was silently dropped and every channel was listed. Every
 * parameter name must be lowercase (as every official SDK sends them), and a name may not repeat
 * after lowercasing: both are answered 400 with a clear message, before anything else is read.
 */
import { signRequest } from '@pushwire/sdk';
import { describe, expect, it } from 'vitest';
import { REST_APP, type RestServer, rawRequest, startRestServer } from '../http-helpers';
import { connect } from '../ws-helpers';

const CHANNELS = `/apps/${REST_APP.id}/channels`;

/** A GET of `/channels?filter_by_prefix=news-` signed with the app's secret, as a list of pairs. */
function capturedRequest(): [string, string][] {
  const query = signRequest({
    method: 'GET',
    path: CHANNELS,
    key: REST_APP.key,
    secret: REST_APP.secret as string,
    timestamp: Math.floor(Date.now() / 1000),
    params: { filter_by_prefix: 'news-' },
  });
  return Object.entries(query);
}

function send(rest: RestServer, pairs: readonly (readonly [string, string])[]) {
  const query = pairs
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return rawRequest(rest.port, { method: 'GET', path: `${CHANNELS}?${query}` });
}

async function serverWithChannels(): Promise<RestServer> {
  const rest = await startRestServer();
  const client = await connect(rest.wsUrl());
  await client.join('news-today', undefined, REST_APP);
  await client.join('sports-today', undefined, REST_APP);
  return rest;
}

describe('REST query parameter names', () => {
  it('the captured request itself filters as signed', async () => {
    const rest = await serverWithChannels();
    const response = await send(rest, capturedRequest());
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ channels: { 'news-today': {} } });
  });

  it('a replay with an upper-case parameter name is refused, not answered unfiltered', async () => {
    const rest = await serverWithChannels();
    const replay = capturedRequest().map(
      ([name, value]) => [name === 'filter_by_prefix' ? 'FILTER_BY_PREFIX' : name, value] as const,
    );
    const response = await send(rest, replay);
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      error:
        'Query parameter names must be lowercase: "FILTER_BY_PREFIX" (did you mean "filter_by_prefix"?)',
    });
    expect(response.text).not.toContain('sports-today');
  });

  it('mixed-case auth parameters are refused too', async () => {
    const rest = await serverWithChannels();
    const replay = capturedRequest().map(
      ([name, value]) => [name === 'auth_key' ? 'Auth_Key' : name, value] as const,
    );
    const response = await send(rest, replay);
    expect(response.status).toBe(400);
    expect(response.text).toContain('must be lowercase');
  });

  it('a name repeated after lowercasing is refused', async () => {
    const rest = await serverWithChannels();
    const response = await send(rest, [...capturedRequest(), ['Filter_By_Prefix', 'sports-']]);
    expect(response.status).toBe(400);
    const repeated = await send(rest, [...capturedRequest(), ['filter_by_prefix', 'sports-']]);
    expect(repeated.status).toBe(400);
    expect(repeated.json()).toEqual({ error: 'Query parameter "filter_by_prefix" is repeated' });
  });

  it('the official SDK, which sends lowercase names only, is unaffected', async () => {
    const rest = await serverWithChannels();
    const list = await rest
      .pusher()
      .get({ path: '/channels', params: { filter_by_prefix: 'news-' } });
    expect(await list.json()).toEqual({ channels: { 'news-today': {} } });
    const one = await rest
      .pusher()
      .get({ path: '/channels/news-today', params: { info: 'subscription_count' } });
    expect(await one.json()).toEqual({ occupied: true, subscription_count: 1 });
    const trigger = await rest.pusher().trigger('news-today', 'hello', { a: 1 });
    expect(trigger.status).toBe(200);
  });
});
