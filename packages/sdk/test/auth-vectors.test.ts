/**
 * @module test/auth-vectors
 * Every channel-authorization, user-authentication and shared-secret vector published in Pusher's
 * docs (https://pusher.com/docs/channels/library_auth_reference/auth-signatures/) and the official
 * SDKs' test suites. Vectors on private, presence and encrypted channels go
 * through `authorizeChannel`; vectors on public channels (which `authorizeChannel` refuses by
 * design) are checked against `channelAuthSignature`, the function it signs with.
 */
import { describe, expect, it } from 'vitest';
import { authenticateUser } from '../src/auth/authenticate-user';
import { authorizeChannel } from '../src/auth/authorize-channel';
import type { AuthContext } from '../src/auth/types';
import { base64ToBytes, bytesToHex, utf8Encode } from '../src/crypto/encoding';
import { parseMasterKey } from '../src/encryption/master-key';
import { DEFAULT_LIMITS } from '../src/limits';
import { channelAuthSignature, sharedSecretBytes, sharedSecretFor } from '../src/signing/auth';

const DOCS = { key: '278d425bdf160c739803', secret: '7ad3773142a6692b25b8' };

function ctx(key: string, secret: string, masterKey?: Uint8Array): AuthContext {
  return masterKey === undefined
    ? { key, secret, limits: DEFAULT_LIMITS }
    : { key, secret, masterKey, limits: DEFAULT_LIMITS };
}

describe('§3.2 channel authorization vectors', () => {
  it('docs / go: private-foobar', () => {
    expect(authorizeChannel(ctx(DOCS.key, DOCS.secret), '1234.1234', 'private-foobar')).toEqual({
      auth: '278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4',
    });
  });

  it('docs presence erratum: the printed data signs to 31935e7d..., the printed value is for "Mr. Pusher"', () => {
    const printed = { user_id: 10, user_info: { name: 'Mr. Channels' } };
    const result = authorizeChannel(
      ctx(DOCS.key, DOCS.secret),
      '1234.1234',
      'presence-foobar',
      printed,
    );
    expect(result).toEqual({
      auth: '278d425bdf160c739803:31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80',
      channel_data: '{"user_id":10,"user_info":{"name":"Mr. Channels"}}',
    });
    const docsValue = authorizeChannel(ctx(DOCS.key, DOCS.secret), '1234.1234', 'presence-foobar', {
      user_id: 10,
      user_info: { name: 'Mr. Pusher' },
    });
    expect(docsValue.auth).toBe(
      '278d425bdf160c739803:afaed3695da2ffd16931f457e338e6c9f2921fa133ce7dac49f529792be6304c',
    );
  });

  it('go: presence with a string user_id, full response', () => {
    const result = authorizeChannel(ctx(DOCS.key, DOCS.secret), '1234.1234', 'presence-foobar', {
      user_id: '10',
      user_info: { name: 'Mr. Pusher' },
    });
    expect(JSON.stringify(result)).toBe(
      '{"auth":"278d425bdf160c739803:48dac51d2d7569e1e9c0f48c227d4b26f238fa68e5c0bb04222c966909c4f7c4","channel_data":"{\\"user_id\\":\\"10\\",\\"user_info\\":{\\"name\\":\\"Mr. Pusher\\"}}"}',
    );
  });

  it('pre-serialized presence data is signed and returned byte for byte', () => {
    const text = '{"user_id":10,"user_info":{"name":"Mr. Channels"}}';
    const result = authorizeChannel(
      ctx(DOCS.key, DOCS.secret),
      '1234.1234',
      'presence-foobar',
      text,
    );
    expect(result.channel_data).toBe(text);
    expect(result.auth).toBe(
      '278d425bdf160c739803:31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80',
    );
  });

  it('ruby: test_channel (public, so via channelAuthSignature; authorizeChannel refuses it)', () => {
    const creds = { key: '12345678900000001', secret: '12345678900000001' };
    expect(channelAuthSignature({ ...creds, socketId: '1.1', channel: 'test_channel' })).toBe(
      '12345678900000001:02259dff9a2a3f71ea8ab29ac0c0c0ef7996c8f3fd3702be5533f30da7d7fed4',
    );
    expect(() => authorizeChannel(ctx(creds.key, creds.secret), '1.1', 'test_channel')).toThrow(
      /public channel/,
    );
  });

  describe('node (public channel "test", via channelAuthSignature)', () => {
    const sign = (key: string, secret: string, socketId: string, channel: string, data?: string) =>
      channelAuthSignature(
        data === undefined
          ? { key, secret, socketId, channel }
          : { key, secret, socketId, channel, channelData: data },
      );
    it.each([
      [
        'aaaa',
        'tofu',
        '123.456',
        'test',
        'efa6cf7644a0b35cba36aa0f776f3cbf7bb60e95ea2696bde1dbe8403b61bd7c',
      ],
      [
        '1234',
        'tofu',
        '123.456',
        'test',
        'efa6cf7644a0b35cba36aa0f776f3cbf7bb60e95ea2696bde1dbe8403b61bd7c',
      ],
      [
        'abcdef',
        'tofu',
        '123.456',
        'test',
        'efa6cf7644a0b35cba36aa0f776f3cbf7bb60e95ea2696bde1dbe8403b61bd7c',
      ],
      [
        'aaaa',
        'tofu',
        '321.654',
        'test',
        'f6ecb0a17d3e4f68aca28f1673197a7608587c09deb0208faa4b5519aee0a777',
      ],
      [
        'aaaa',
        'tofu',
        '123.456',
        'test1',
        'd5ab857f805433cb50562da96afa41688d7742a3c3a021ed15a4d991a4d8cf94',
      ],
      [
        'aaaa',
        'tofu',
        '123.456',
        'test2',
        '43affa6a09af1fb9ce1cadf176171346beaf7366673ec1e5920f68b3e97a466d',
      ],
      [
        'aaaa',
        '1',
        '123.456',
        'test',
        '584828bd6e80b2d177d2b28fde07b8e170abf87ccb5a791a50c933711fb8eb28',
      ],
      [
        'aaaa',
        '2',
        '123.456',
        'test',
        '269bbf3f7625db4e0d0525b617efa5915c3ae667fd222dc8e4cb94bc531f26f2',
      ],
    ])('key %s secret %s socket %s channel %s', (key, secret, socketId, channel, hex) => {
      expect(sign(key, secret, socketId, channel)).toBe(`${key}:${hex}`);
    });
    it('with channel data {"foo":"bar"}', () => {
      expect(sign('aaaa', 'tofu', '123.456', 'test', '{"foo":"bar"}')).toBe(
        'aaaa:f41faf9ead2ea76772cc6b1168363057459f02499ae4d92e88229dc7f4efa2d4',
      );
    });
    it('with UTF-8 channel data', () => {
      expect(sign('aaaa', 'tofu', '1.1', 'test', JSON.stringify('ą§¶™€łü€ß£'))).toBe(
        'aaaa:2a229263e89d9c50524fd80c2e88be2843379f6931e28995e2cc214282c9db0c',
      );
    });
  });

  it('python: private-channel and presence-channel', () => {
    const c = ctx('foo', 'bar');
    expect(authorizeChannel(c, '345.23', 'private-channel').auth).toBe(
      'foo:89955e77e1b40e33df6d515a5ecbba86a01dc816a5b720da18a06fd26f7d92ff',
    );
    const presence = authorizeChannel(c, '345.43245', 'presence-channel', {
      user_id: 'fred',
      user_info: { key: 'value' },
    });
    expect(presence).toEqual({
      auth: 'foo:e80ba6439492c2113022c39297a87a948de14061cc67b5788e045645a68b8ccd',
      channel_data: '{"user_id":"fred","user_info":{"key":"value"}}',
    });
  });
});

describe('§3.3 user authentication vectors', () => {
  it('docs: {"id":"12345"}', () => {
    expect(authenticateUser(ctx(DOCS.key, DOCS.secret), '1234.1234', { id: '12345' })).toEqual({
      auth: '278d425bdf160c739803:4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba',
      user_data: '{"id":"12345"}',
    });
  });

  it.each([
    [
      '1234',
      'tofu',
      '123.456',
      { id: '45678' },
      'f4b1fdeea7c93e32648c7230e32b172057c5623cace6cfce791c6e7035e0babd',
    ],
    [
      'abcdef',
      'tofu',
      '123.456',
      { id: '45678' },
      'f4b1fdeea7c93e32648c7230e32b172057c5623cace6cfce791c6e7035e0babd',
    ],
    [
      'aaaa',
      'tofu',
      '123.456',
      { id: '45678' },
      'f4b1fdeea7c93e32648c7230e32b172057c5623cace6cfce791c6e7035e0babd',
    ],
    [
      'aaaa',
      'tofu',
      '123.456',
      { id: '55555', user_name: 'test' },
      'b8a9f173455903792ae2b788add0c4c78ad7372b3ae7fb5769479276a1993743',
    ],
    [
      'aaaa',
      '1',
      '123.456',
      { id: '45678' },
      '79bddf29fe8e2153dd5d8d569b3f45e5aeb26ae2eb4758879d844791b466cfa2',
    ],
    [
      'aaaa',
      '2',
      '123.456',
      { id: '45678' },
      'a542498ffa6faf6de7c17a8106b923c042319bd73acfd1d274df32e269b55d1f',
    ],
    [
      'aaaa',
      'tofu',
      '1.1',
      { id: 'ą§¶™€łü€ß£' },
      '620494cee53d6c568b49598313194088afda37218f0d059af03c0c898ed61ff4',
    ],
  ])('node: key %s secret %s socket %s %j', (key, secret, socketId, userData, hex) => {
    const result = authenticateUser(ctx(key, secret), socketId, userData);
    expect(result.auth).toBe(`${key}:${hex}`);
    expect(result.user_data).toBe(JSON.stringify(userData));
  });

  it('go: {"id":"1234"}', () => {
    expect(
      JSON.stringify(authenticateUser(ctx('key', 'secret'), '12345.12345', { id: '1234' })),
    ).toBe(
      '{"auth":"key:e4c63b82c1e1d0955901f6a29ca51b244155bafda93968bc5664010f5ba54a41","user_data":"{\\"id\\":\\"1234\\"}"}',
    );
  });

  it('python / php', () => {
    const c = ctx('thisisaauthkey', 'thisisasecret');
    expect(authenticateUser(c, '12345.6789', { id: '123', name: 'John Smith' }).auth).toBe(
      'thisisaauthkey:0dddb208b53c7649f3fbbb86254a6e1986bc6f8b566423ea690c9ca773497373',
    );
    expect(authenticateUser(c, '12345.6789', { id: '123' }).auth).toBe(
      'thisisaauthkey:fc713f433deb729d0d96f9e26ef054285cbc3e833ebe840b93722a2fa16a6a18',
    );
  });
});

describe('§3.4 encrypted channel vectors', () => {
  const nodeMaster = parseMasterKey('zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=');

  it('node: private-encrypted-bla gets the shared secret; the auth string signs the channel', () => {
    const result = authorizeChannel(
      ctx('f00d', 'tofu', nodeMaster),
      '123.456',
      'private-encrypted-bla',
    );
    expect(result.shared_secret).toBe('nlr49ISQHz91yS3cy/yWmW8wFMNeTnNL5tNHnbPJcLQ=');
    expect(result.auth).toBe(
      channelAuthSignature({
        key: 'f00d',
        secret: 'tofu',
        socketId: '123.456',
        channel: 'private-encrypted-bla',
      }),
    );
    expect(result.channel_data).toBeUndefined();
  });

  it('node: the auth values signed with channel data "foo" (node passes data to any channel)', () => {
    const base = { key: 'f00d', secret: 'tofu', socketId: '123.456', channelData: '"foo"' };
    expect(channelAuthSignature({ ...base, channel: 'private-encrypted-bla' })).toBe(
      'f00d:962c48b78bf93d98ff4c92ee7dff04865821455b7b401e9d60a9e0a90af2c105',
    );
    expect(channelAuthSignature({ ...base, channel: 'bla' })).toBe(
      'f00d:013ad3da0d88e0df6ae0a8184bef50b9c3933f2344499e6e3d1ad67fad799e20',
    );
  });

  it('ruby: the raw 44-byte string used as key bytes', () => {
    const raw = utf8Encode('3W1pfB/Etr+ZIlfMWwZP3gz8jEeCt4s2pe6Vpr+2c3M=');
    expect(sharedSecretFor('private-encrypted-1', raw)).toBe(
      '6zeEp/chneRPS1cbK/hGeG860UhHomxSN6hTgzwT20I=',
    );
    expect(sharedSecretFor('private-encrypted-test_channel', raw)).toBe(
      'o0L3QnIovCeRC8KTD8KBRlmi31dGzHVS2M93uryqDdw=',
    );
  });

  it('python: private-encrypted-channel through authorizeChannel', () => {
    const master = parseMasterKey('OHRXNUZRTG5pUTFzQlFGd3J3N3Q2VFZFc0paZDEweVk=');
    expect(
      authorizeChannel(ctx('foo', 'bar', master), '345.23', 'private-encrypted-channel'),
    ).toEqual({
      auth: 'foo:fff0503dfe4929f5162efe4d1dacbce524b0d8e7e1331117a8651c0e74d369e3',
      shared_secret: 'VmIsNZtCSteh8kazd2toc+ofhohBtUouQRSDtRvuyVI=',
    });
  });

  it('go: SHA-256(channel ‖ 33-byte key)', () => {
    const key = utf8Encode('This is a string that is 32 chars');
    expect(key.length).toBe(33);
    expect(bytesToHex(sharedSecretBytes('private-encrypted-bla', key))).toBe(
      '004831f99d2a4e86723e893caded3a2897deeddbed9514fe9497dcddc52bd50b',
    );
    expect(base64ToBytes(sharedSecretFor('private-encrypted-bla', key))?.length).toBe(32);
  });
});
