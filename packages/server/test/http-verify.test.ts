/**
 * verifyRequest against the documented Pusher test vector, plus the path forms it accepts
 * (prefix, percent-encoding) and the query parser's rules.
 */
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../src/apps/app-store';
import { HttpStatusError } from '../src/http/http-status-error';
import { parseQuery } from '../src/http/query';
import { type VerifyRequestInput, verifyRequest } from '../src/http/verify-request';
import { resolveServerOptions, silentLogger } from '../src/index';

// PD-rest: the "Worked authentication example".
const VECTOR = {
  key: '278d425bdf160c739803',
  secret: '7ad3773142a6692b25b8',
  timestamp: '1353088179',
  body: '{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}',
  bodyMd5: 'ec365a775a4cd0599faeb73354201b6f',
  signature: 'da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c',
};

const options = resolveServerOptions({
  logger: silentLogger,
  apps: [{ id: '3', key: VECTOR.key, secret: VECTOR.secret }],
});
const apps = createAppStore(options.apps);

function input(overrides: Partial<VerifyRequestInput> = {}): VerifyRequestInput {
  return {
    method: 'POST',
    rawPath: '/apps/3/events',
    pathPrefix: '',
    query: {
      auth_key: VECTOR.key,
      auth_timestamp: VECTOR.timestamp,
      auth_version: '1.0',
      body_md5: VECTOR.bodyMd5,
      auth_signature: VECTOR.signature,
    },
    body: Buffer.from(VECTOR.body),
    app: apps.byId('3')!,

    nowSec: Number(VECTOR.timestamp) + 5,
    toleranceSec: 600,
    ...overrides,
  };
}

describe('verifyRequest', () => {
  it('accepts the documented example', () => {
    expect(verifyRequest(input())).toBeUndefined();
  });

  it('accepts the path signed without the prefix when requested with it', () => {
    expect(
      verifyRequest(input({ rawPath: '/ws/apps/3/events', pathPrefix: '/ws' })),
    ).toBeUndefined();
  });

  it('rejects a different method, path, body or clock', () => {
    expect(verifyRequest(input({ method: 'GET' }))).toMatch(/^Invalid signature/);
    expect(verifyRequest(input({ rawPath: '/apps/3/batch_events' }))).toMatch(/^Invalid signature/);
    expect(verifyRequest(input({ body: Buffer.from(`${VECTOR.body} `) }))).toBe(
      'body_md5 does not match the MD5 of the request body',
    );
    expect(verifyRequest(input({ nowSec: Number(VECTOR.timestamp) + 601 }))).toMatch(
      /^auth_timestamp is 601 seconds away/,
    );
  });

  it('requires body_md5 whenever there is a body, and a well-formed signature', () => {
    const { body_md5: _md5, ...withoutMd5 } = input().query;
    expect(verifyRequest(input({ query: withoutMd5 }))).toBe(
      'Missing body_md5 for a request with a body',
    );
    expect(verifyRequest(input({ query: { ...input().query, auth_signature: 'ABC' } }))).toBe(
      'auth_signature must be 64 lowercase hex characters',
    );
    expect(verifyRequest(input({ query: { ...input().query, auth_timestamp: '12.5' } }))).toBe(
      'auth_timestamp must be an integer (unix seconds)',
    );
  });
});

describe('parseQuery', () => {
  it('decodes names and values, with + as a space', () => {
    expect(parseQuery('a=1&b=x%2Cy&c=hello+world&flag')).toEqual({
      a: '1',
      b: 'x,y',
      c: 'hello world',
      flag: '',
    });
  });

  it('rejects repeated parameters and malformed escapes with 400', () => {
    for (const raw of ['a=1&a=2', 'a=%E0%A4%A']) {
      expect(() => parseQuery(raw)).toThrow(HttpStatusError);
    }
  });
});
