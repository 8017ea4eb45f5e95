/**
 * `pushwire serve --cors-origin` (repeatable) and PUSHWIRE_CORS_ORIGINS, as a child process: the
 * banner names the origins and a preflight from an allowed origin is answered, another refused.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { startServe } from './helpers/serve-process';

function preflight(port: number, origin: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/apps/app-id/events`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST' },
  });
}

describe('pushwire serve with CORS', () => {
  it('--cors-origin is repeatable', async () => {
    const serve = await startServe([
      '--cors-origin',
      'https://admin.example.com',
      '--cors-origin',
      'http://localhost:5173',
    ]);
    onTestFinished(() => serve.stop().then(() => undefined));
    expect(serve.output().stdout).toContain(
      'CORS: browser pages may call the REST API from https://admin.example.com, http://localhost:5173',
    );
    const allowed = await preflight(serve.port, 'http://localhost:5173');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect((await preflight(serve.port, 'https://other.example')).status).toBe(403);
  });

  it('PUSHWIRE_CORS_ORIGINS=* allows any origin', async () => {
    const serve = await startServe([], { PUSHWIRE_CORS_ORIGINS: '*' });
    onTestFinished(() => serve.stop().then(() => undefined));
    const answer = await preflight(serve.port, 'https://anything.example');
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });
});
