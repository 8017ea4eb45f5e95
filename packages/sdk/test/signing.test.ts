// REST signing and auth strings, pinned with the public vectors of Pusher's docs
// (https://pusher.com/docs/channels/library_auth_reference/rest-api/#authentication and
// .../auth-signatures/) and the official SDKs' test suites.
import { describe, expect, it } from 'vitest';
import { base64ToBytes } from '../src/crypto/encoding';
import { ValidationError } from '../src/errors';
import {
  canonicalQuery,
  channelAuthSignature,
  sharedSecretFor,
  signRequest,
  stringToSign,
  userAuthSignature,
} from '../src/signing';

describe('REST request signing', () => {
  it('docs worked example: POST /apps/3/events', () => {
    const body = '{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}';
    const query = signRequest({
      method: 'POST',
      path: '/apps/3/events',
      key: '278d425bdf160c739803',
      secret: '7ad3773142a6692b25b8',
      timestamp: 1353088179,
      body,
    });
    expect(query).toEqual({
      auth_key: '278d425bdf160c739803',
      auth_timestamp: '1353088179',
      auth_version: '1.0',
      body_md5: 'ec365a775a4cd0599faeb73354201b6f',
      auth_signature: 'da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c',
    });
    expect(stringToSign('POST', '/apps/3/events', query)).toBe(
      'POST\n/apps/3/events\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f',
    );
  });

  const go = { key: 'd41a439c438a100756f5', secret: '4bf35003e819bb138249' };
  it.each([
    [
      '/apps/102015/channels',
      1427034994,
      { filter_by_prefix: 'presence-', info: 'user_count' },
      '4d8a02edcc8a758b0162cd6da690a9a45fb8ae326a276dca1e06a0bc42796c11',
    ],
    [
      '/apps/102015/channels',
      1427036577,
      { filter_by_prefix: 'presence-' },
      'b540383af4582af5fbb5df7be5472d54bd0838c9c2021c7743062568839e6f97',
    ],
    [
      '/apps/102015/channels',
      1427036787,
      {},
      'df89248f87f6e6d028925e0b04d60f316527a865992ace6936afa91281d8bef0',
    ],
    [
      '/apps/102015/channels/presence-session-d41a439c438a100756f5-4bf35003e819bb138249-ROpCFmgFhXY',
      1427053326,
      { info: 'user_count,subscription_count' },
      'f93ceb31f396aef336226efe512aaf339bd5e39c7c2c04b81cc8681dc16ee785',
    ],
    [
      '/apps/102015/channels/presence-session-d41a439c438a100756f5-4bf35003e819bb138249-nYJLy67qh52/users',
      1427053709,
      {},
      '207feaf4e8efeb24e5f148011704251bf90e2059a5f97a3eb52d06178b11feca',
    ],
  ])('Go vector GET %s @%i', (path, timestamp, params, signature) => {
    expect(signRequest({ method: 'GET', path, ...go, timestamp, params }).auth_signature).toBe(
      signature,
    );
  });

  it('node vectors: GET with body and GET with params', () => {
    const withBody = signRequest({
      method: 'GET',
      path: '/event',
      key: 'f00d',
      secret: 'tofu',
      timestamp: 1234567890,
      body: 'example body',
    });
    expect(withBody.body_md5).toBe('165d5e6d7ca8f73b3853ce45addf42fc');
    expect(withBody.auth_signature).toBe(
      'a650196dc427ebe837226f8565ca9232198c6d1b9455eaa72374a9dc0b620e7b',
    );
    const withParams = signRequest({
      method: 'GET',
      path: '/event',
      key: 'f00d',
      secret: 'tofu',
      timestamp: 1234567890,
      params: { foo: 'bar', baz: '123454321' },
    });
    expect(withParams.auth_signature).toBe(
      'd8bdbd31911fb7400a14fbd36fd7de053494725b64400ae5856deafe304b34a9',
    );
  });

  it('signature gem vectors: lower-cased keys sort, values are not escaped', () => {
    const base = {
      method: 'POST',
      path: '/some/path',
      key: 'key',
      secret: 'secret',
      timestamp: 1234,
    };
    expect(signRequest({ ...base, params: { query: 'params', go: 'here' } }).auth_signature).toBe(
      '3b237953a5ba6619875cbb2a2d43e8da9ef5824e8a2c689f6284ac85bc1ea0db',
    );
    expect(signRequest({ ...base, params: { Query: 'params', GO: 'here' } }).auth_signature).toBe(
      '3b237953a5ba6619875cbb2a2d43e8da9ef5824e8a2c689f6284ac85bc1ea0db',
    );
    expect(signRequest({ ...base, params: { query: 'params' } }).auth_signature).toBe(
      'da078fcedd72941b6c873caa40d0d6b2000ebfc700cee802b128dd20f72e74e9',
    );
    expect(canonicalQuery({ 'key;': 'value@', b: 'x y' })).toBe('b=x y&key;=value@');
  });

  it('python vectors: body_md5 of a POST body', () => {
    const signed = signRequest({
      method: 'POST',
      path: '/some/obscure/api',
      key: 'key',
      secret: 'secret',
      timestamp: 1000,
      body: '{"foo": "bar"}',
    });
    expect(signed.body_md5).toBe('94232c5b8fc9272f6f73a1e36eb68fcf');
    expect(signed.auth_signature).toBe(
      'e05fa4cafee86311746ee3981d5581a5e4e87c27bbab0aeb1059e2df5c90258b',
    );
  });

  it('derived native push vector (gem rc2 path)', () => {
    const signed = signRequest({
      method: 'POST',
      path: '/server_api/v1/apps/20/notifications',
      key: 'testytest',
      secret: 'mysupersecretkey',
      timestamp: 1353088179,
      body: '{"gcm":{"notification":{"title":"Hello","icon":"icon"}},"interests":["test"]}',
    });
    expect(signed.body_md5).toBe('797592cbea96907529b4653f87dd1945');
    expect(signed.auth_signature).toBe(
      '1bcee260b09f8712e27a4b58f8dbe927ad3adecd052a7e7318870618c32cad44',
    );
  });

  it('rejects reserved parameters and never adds body_md5 for an empty body', () => {
    const base = { method: 'GET', path: '/x', key: 'k', secret: 's', timestamp: 1 };
    for (const reserved of [
      'auth_key',
      'AUTH_SIGNATURE',
      'body_md5',
      'auth_timestamp',
      'auth_version',
    ]) {
      expect(() => signRequest({ ...base, params: { [reserved]: 'x' } })).toThrow(ValidationError);
    }
    expect(signRequest({ ...base, body: '' }).body_md5).toBeUndefined();
    expect(signRequest({ ...base, timestamp: 2_200_000_000.9 }).auth_timestamp).toBe('2200000000');
  });
});

describe('auth strings', () => {
  const docs = {
    key: '278d425bdf160c739803',
    secret: '7ad3773142a6692b25b8',
    socketId: '1234.1234',
  };
  it('private channel (docs)', () => {
    expect(channelAuthSignature({ ...docs, channel: 'private-foobar' })).toBe(
      '278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4',
    );
  });
  it('presence channel (docs, corrected value)', () => {
    expect(
      channelAuthSignature({
        ...docs,
        channel: 'presence-foobar',
        channelData: '{"user_id":10,"user_info":{"name":"Mr. Channels"}}',
      }),
    ).toBe('278d425bdf160c739803:31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80');
  });
  it('user sign-in (docs)', () => {
    expect(userAuthSignature({ ...docs, userData: '{"id":"12345"}' })).toBe(
      '278d425bdf160c739803:4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba',
    );
  });
  it('shared secret of an encrypted channel (node vector)', () => {
    const masterKey = base64ToBytes('zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=')!;
    expect(sharedSecretFor('private-encrypted-bla', masterKey)).toBe(
      'nlr49ISQHz91yS3cy/yWmW8wFMNeTnNL5tNHnbPJcLQ=',
    );
  });
});
