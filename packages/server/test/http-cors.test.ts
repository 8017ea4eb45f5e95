/**
 * CORS on the HTTP API with real HTTP requests: preflights answered 204 (allowed origin) or 403
 * (any other), answers to an allowed origin carrying Access-Control-Allow-Origin and
 * `Vary: Origin`, none for other origins, `'*'`, off by default; the option and its environment
 * variable validated.
 */
import { signRequest } from '@pushwire/sdk';
import { describe, expect, it } from 'vitest';
import { optionsFromEnv, resolveServerOptions, ServerConfigError } from '../src/index';
import { REST_APP, startRestServer } from './http-helpers';

const ADMIN = 'https://admin.example.com';
const OTHER = 'https://evil.example.net';

async function request(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Response> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  await response.arrayBuffer();
  return response;
}

function preflight(port: number, origin: string, path = `/apps/${REST_APP.id}/events`) {
  return request(port, 'OPTIONS', path, {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'content-type',
  });
}

/** A signed trigger sent from a page of `origin`. */
function trigger(port: number, origin: string | undefined, secret = REST_APP.secret) {
  const body = JSON.stringify({ name: 'ping', channel: 'status', data: '{}' });
  const path = `/apps/${REST_APP.id}/events`;
  const query = signRequest({
    method: 'POST',
    path,
    key: REST_APP.key,
    secret,
    timestamp: Math.floor(Date.now() / 1000),
    body,
  });
  const search = new URLSearchParams(query as Record<string, string>).toString();
  return request(
    port,
    'POST',
    `${path}?${search}`,
    { 'content-type': 'application/json', ...(origin === undefined ? {} : { origin }) },
    body,
  );
}

describe('CORS', () => {
  it('is off by default: no preflight answer, no CORS headers', async () => {
    const rest = await startRestServer();
    const answer = await preflight(rest.port, ADMIN);
    expect(answer.status).toBe(405);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const triggered = await trigger(rest.port, ADMIN);
    expect(triggered.status).toBe(200);
    expect(triggered.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the preflight of an allowed origin with 204 and the policy', async () => {
    const rest = await startRestServer({ cors: { origins: [ADMIN, 'http://localhost:5173'] } });
    const answer = await preflight(rest.port, ADMIN);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ADMIN);
    expect(answer.headers.get('access-control-allow-methods')).toContain('POST');
    expect(answer.headers.get('access-control-allow-methods')).toContain('GET');
    expect(answer.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'content-type',
    );
    expect(answer.headers.get('access-control-max-age')).toBe('600');
    expect(answer.headers.get('vary')).toBe('Origin');
    // Any path: /health and the channel routes too.
    expect((await preflight(rest.port, 'http://localhost:5173', '/health')).status).toBe(204);
  });

  it('refuses the preflight of another origin with 403 and no CORS headers', async () => {
    const rest = await startRestServer({ cors: { origins: [ADMIN] } });
    const answer = await preflight(rest.port, OTHER);
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('answers of the API carry the origin when allowed, nothing for another origin', async () => {
    const rest = await startRestServer({ cors: { origins: [ADMIN] } });
    const allowed = await trigger(rest.port, ADMIN);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ADMIN);
    expect(allowed.headers.get('vary')).toBe('Origin');

    const other = await trigger(rest.port, OTHER);
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('vary')).toBe('Origin');

    // Errors are readable by an allowed page too (a bad signature: 401).
    const refused = await trigger(rest.port, ADMIN, 'not-the-secret');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(ADMIN);

    const health = await request(rest.port, 'GET', '/health', { origin: ADMIN });
    expect(health.headers.get('access-control-allow-origin')).toBe(ADMIN);
    const noOrigin = await request(rest.port, 'GET', '/health');
    expect(noOrigin.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("'*' allows any origin with a literal *", async () => {
    const rest = await startRestServer({ cors: { origins: '*', maxAgeSec: 60, headers: ['X-A'] } });
    const answer = await preflight(rest.port, OTHER);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-headers')).toBe('X-A');
    expect(answer.headers.get('access-control-max-age')).toBe('60');
    const triggered = await trigger(rest.port, OTHER);
    expect(triggered.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('an OPTIONS that is not a preflight is not answered as one', async () => {
    const rest = await startRestServer({ cors: { origins: [ADMIN] } });
    const answer = await request(rest.port, 'OPTIONS', `/apps/${REST_APP.id}/events`, {
      origin: ADMIN,
    });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ADMIN);
  });
});

describe('CORS configuration', () => {
  const resolveCors = (cors: unknown) =>
    resolveServerOptions({ logLevel: 'silent', cors: cors as { origins: '*' } }).cors;

  it('normalizes origins to what browsers send', () => {
    expect(resolveCors({ origins: ['HTTPS://Admin.Example.com:443/'] })?.origins).toEqual([ADMIN]);
    expect(resolveCors({ origins: ['http://localhost:8080'] })?.origins).toEqual([
      'http://localhost:8080',
    ]);
  });

  it.each([
    [{ origins: ['admin.example.com'] }, 'cors.origins[0]'],
    [{ origins: ['https://admin.example.com/path'] }, 'cors.origins[0]'],
    [{ origins: ['ftp://x.example'] }, 'cors.origins[0]'],
    [{ origins: [] }, 'cors.origins'],
    [{ origins: 'https://a.example' }, 'cors.origins'],
    [{}, 'cors.origins'],
    [{ origins: '*', maxAgeSec: -1 }, 'cors.maxAgeSec'],
    [{ origins: '*', headers: ['bad header'] }, 'cors.headers[0]'],
    [{ origins: '*', credentials: true }, 'cors.credentials'],
  ])('refuses %j (%s)', (cors, option) => {
    try {
      resolveCors(cors);
    } catch (error) {
      expect(error).toBeInstanceOf(ServerConfigError);
      expect((error as ServerConfigError).option).toBe(option);
      return;
    }
    throw new Error('expected a ServerConfigError');
  });

  it('PUSHWIRE_CORS_ORIGINS is a comma-separated list, or *', () => {
    expect(optionsFromEnv({ PUSHWIRE_CORS_ORIGINS: `${ADMIN}, http://localhost:5173` })).toEqual({
      cors: { origins: [ADMIN, 'http://localhost:5173'] },
    });
    expect(optionsFromEnv({ PUSHWIRE_CORS_ORIGINS: '*' })).toEqual({ cors: { origins: '*' } });
    expect(() => optionsFromEnv({ PUSHWIRE_CORS_ORIGINS: 'not-an-origin' })).toThrow(
      'PUSHWIRE_CORS_ORIGINS',
    );
  });
});
