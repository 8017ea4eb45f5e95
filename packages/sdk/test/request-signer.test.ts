/**
 * The per-client request signer is a faster path to exactly what `signRequest` + percent-encoding
 * produce: same parameters, same order, same signature, for requests with and without parameters
 * and bodies. It is checked against `signRequest` (itself pinned by the public vectors).
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors';
import { encodeQuery, RequestSigner } from '../src/signing/request-signer';
import { signRequest } from '../src/signing/rest';

const KEY = '3ab2 8e+/é';
const SECRET = '7ad3773142a6692b25b8';

describe('RequestSigner', () => {
  it.each([
    ['POST with a body', { method: 'POST', path: '/apps/1/events', body: '{"name":"é"}' }],
    ['POST with an empty body', { method: 'POST', path: '/apps/1/events', body: '' }],
    ['GET without parameters', { method: 'GET', path: '/apps/1/channels' }],
    ['GET with an empty parameter object', { method: 'GET', path: '/apps/1/channels', params: {} }],
    [
      'GET with parameters to sort and escape',
      {
        method: 'GET',
        path: '/apps/1/channels',
        params: { info: 'user_count,subscription_count', Filter_By_Prefix: 'presence-&=x', a: '' },
      },
    ],
  ] as const)('%s: the query of signRequest, encoded', (_name, request) => {
    const signer = new RequestSigner(KEY, SECRET);
    for (const timestamp of [1_700_000_000, 1_700_000_000.9]) {
      const expected = encodeQuery(
        signRequest({ ...request, key: KEY, secret: SECRET, timestamp }),
      );
      expect(signer.signedQuery({ ...request, timestamp })).toBe(expected);
    }
  });

  it('refuses reserved parameters like signRequest does', () => {
    const signer = new RequestSigner(KEY, SECRET);
    expect(() =>
      signer.signedQuery({
        method: 'GET',
        path: '/apps/1/channels',
        timestamp: 1,
        params: { Auth_Signature: 'x' },
      }),
    ).toThrow(ValidationError);
  });
});
