/**
 * Every limit and rule checked before a request: each is a ValidationError naming the value and
 * the limit, rejects the promise (never a synchronous throw), sends nothing, and can be changed
 * through `limits`. Caller inputs are never mutated.
 */
import { describe, expect, it } from 'vitest';
import { ConfigurationError, type Pusher, ValidationError } from '../src/index';
import { clientFor, fakeApi } from './helpers/clients';

const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

type Call = (pusher: Pusher) => Promise<unknown>;

const invalidCalls: [string, Call, RegExp][] = [
  ['bad channel charset', (p) => p.trigger('bad channel!', 'e', 'd'), /Invalid channel name/],
  ['empty channel', (p) => p.trigger('', 'e', 'd'), /non-empty/],
  [
    'channel longer than 164',
    (p) => p.trigger('a'.repeat(165), 'e', 'd'),
    /165 characters long; the limit is 164/,
  ],
  ['no channels', (p) => p.trigger([], 'e', 'd'), /At least one channel/],
  [
    '101 channels',
    (p) =>
      p.trigger(
        Array.from({ length: 101 }, (_, i) => `c${i}`),
        'e',
        'd',
      ),
    /101 channels.*limit is 100/,
  ],
  ['empty event name', (p) => p.trigger('c', '', 'd'), /Invalid event name/],
  [
    'event name over 200',
    (p) => p.trigger('c', 'e'.repeat(201), 'd'),
    /201 characters long; the limit is 200/,
  ],
  [
    'data over 10 KB',
    (p) => p.trigger('c', 'e', 'x'.repeat(10_241)),
    /10241 bytes; the limit is 10240/,
  ],
  ['multi-byte data over 10 KB', (p) => p.trigger('c', 'e', 'é'.repeat(5_121)), /10242 bytes/],
  ['unserializable data', (p) => p.trigger('c', 'e', undefined), /JSON value/],
  [
    'circular data',
    (p) => {
      const data: Record<string, unknown> = {};
      data['self'] = data;
      return p.trigger('c', 'e', data);
    },
    /cannot be JSON-encoded/,
  ],
  ['bad socket id', (p) => p.trigger('c', 'e', 'd', { socketId: '123' }), /Invalid socket id/],
  ['bad info', (p) => p.trigger('c', 'e', 'd', { info: 'user count' }), /Invalid info attribute/],
  [
    'encrypted channel with others',
    (p) => p.trigger(['private-encrypted-a', 'b'], 'e', 'd'),
    /cannot share a trigger/,
  ],
  [
    '11 batch events',
    (p) =>
      p.triggerBatch(Array.from({ length: 11 }, () => ({ channel: 'c', name: 'e', data: 'd' }))),
    /11 events is over the limit of 10/,
  ],
  ['empty batch', (p) => p.triggerBatch([]), /at least one event/],
  [
    'batch bad channel',
    (p) =>
      p.triggerBatch([
        { channel: 'ok', name: 'e', data: 'd' },
        { channel: 'no way', name: 'e', data: 'd' },
      ]),
    /Invalid channel name/,
  ],
  [
    'batch data too big',
    (p) => p.triggerBatch([{ channel: 'c', name: 'e', data: 'x'.repeat(10_241) }]),
    /10241 bytes/,
  ],
  [
    'batch bad socket id',
    (p) => p.triggerBatch([{ channel: 'c', name: 'e', data: 'd', socketId: 'x.y' }]),
    /Invalid socket id/,
  ],
  ['channelInfo bad name', (p) => p.channelInfo('a b'), /Invalid channel name/],
  ['channelUsers bad name', (p) => p.channelUsers('a#b'), /Invalid channel name/],
  ['channels empty prefix', (p) => p.channels({ prefix: '' }), /prefix/],
  ['sendToUser empty id', (p) => p.sendToUser('', 'e', 'd'), /Invalid user id/],
  [
    'sendToUser id too long',
    (p) => p.sendToUser('u'.repeat(129), 'e', 'd'),
    /129 characters long; the limit is 128/,
  ],
  ['sendToUser id with slash', (p) => p.sendToUser('a/b', 'e', 'd'), /Invalid user id/],
  ['terminate bad id', (p) => p.terminateUserConnections('../x'), /Invalid user id/],
  ['get without leading slash', (p) => p.get('channels'), /path must start/],
  ['get with query in path', (p) => p.get('/channels?x=1'), /path must start/],
  ['get reserved param', (p) => p.get('/channels', { auth_signature: 'x' }), /cannot be passed/],
  ['get object param', (p) => p.get('/channels', { x: {} as unknown as string }), /params.x/],
  [
    'post non-object body',
    (p) => p.post('/events', 'text' as unknown as object),
    /body must be an object/,
  ],
  [
    'triggerMany bad concurrency',
    (p) => p.triggerMany(['a'], 'e', 'd', { concurrency: 0 }),
    /concurrency/,
  ],
  [
    'triggerMany bad channel',
    (p) => p.triggerMany(['a', 'b c'], 'e', 'd'),
    /channels\[1\]|Invalid channel name/,
  ],
  [
    'triggerBatchMany bad event',
    (p) =>
      p.triggerBatchMany([
        ...Array.from({ length: 12 }, () => ({ channel: 'c', name: 'e', data: 'd' })),
        { channel: 'c', name: '', data: 'd' },
      ]),
    /batch\[12\]\.name|Invalid event name/,
  ],
];

describe('validation before any request', () => {
  it.each(invalidCalls)(
    '%s is a rejected ValidationError; nothing is sent',
    async (_name, call, message) => {
      const api = await fakeApi();
      const pusher = clientFor(api);
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call(pusher);
      }).not.toThrow();
      const error = await promise?.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(message);
      expect(api.requests).toHaveLength(0);
    },
  );

  it('names the field and the limit', async () => {
    const pusher = clientFor({ host: '127.0.0.1', port: 1 });
    const error = (await pusher
      .trigger('c', 'e', 'x'.repeat(20_000))
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.field).toBe('data');
    expect(error.limit).toBe(10_240);
    const batchError = (await pusher
      .triggerBatch([
        { channel: 'c', name: 'e', data: 'd' },
        { channel: 'c', name: 'e'.repeat(300), data: 'd' },
      ])
      .catch((e: unknown) => e)) as ValidationError;
    expect(batchError.field).toBe('batch[1].name');
    expect(batchError.limit).toBe(200);
  });

  it('limits can be raised for self-hosted servers', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api, {
      limits: {
        maxEventDataBytes: 100_000,
        maxChannelNameLength: 200,
        maxBatchEvents: 20,
        maxChannelsPerTrigger: 500,
      },
    });
    await pusher.trigger('c', 'e', 'x'.repeat(50_000));
    await pusher.trigger('a'.repeat(200), 'e', 'd');
    await pusher.triggerBatch(
      Array.from({ length: 20 }, () => ({ channel: 'c', name: 'e', data: 'd' })),
    );
    await pusher.trigger(
      Array.from({ length: 500 }, (_, i) => `c${i}`),
      'e',
      'd',
    );
    expect(api.requests).toHaveLength(4);
    expect(pusher.limits.maxEventDataBytes).toBe(100_000);
    expect(pusher.limits.maxEventNameLength).toBe(200);
  });

  it('limits can be lowered', async () => {
    const pusher = clientFor({ host: '127.0.0.1', port: 1 }, { limits: { maxEventDataBytes: 10 } });
    await expect(pusher.trigger('c', 'e', 'x'.repeat(11))).rejects.toThrow(
      /11 bytes; the limit is 10/,
    );
  });

  it('the data limit applies to the encrypted string actually sent', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api, { encryptionMasterKeyBase64: MASTER_KEY });
    // 7,700 bytes of plaintext become more than 10 KB once sealed and base64-encoded.
    const error = await pusher
      .trigger('private-encrypted-x', 'e', 'x'.repeat(7_700))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    await pusher.trigger('c', 'e', 'x'.repeat(7_700));
    expect(api.requests).toHaveLength(1);
  });

  it('an encrypted channel without a master key is a ConfigurationError (rejected)', async () => {
    const pusher = clientFor({ host: '127.0.0.1', port: 1 });
    await expect(pusher.trigger('private-encrypted-x', 'e', 'd')).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });

  it('extra fields smuggled into trigger options cannot override the body', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api);
    const sneaky = {
      socketId: '1.2',
      channels: Array.from({ length: 500 }, () => 'x'),
      name: 'other',
      data: 'evil',
    };
    await pusher.trigger('c', 'e', 'd', sneaky);
    expect(JSON.parse(api.requests[0]?.body ?? '')).toEqual({
      name: 'e',
      data: 'd',
      channels: ['c'],
      socket_id: '1.2',
    });
  });
});

describe('inputs are never mutated', () => {
  it('trigger, triggerBatch, fan-out and get leave their arguments unchanged', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api, { encryptionMasterKeyBase64: MASTER_KEY });
    const channels = ['a', 'b'];
    const data = { nested: { list: [1, 2] } };
    const options = { socketId: '1.1', info: ['user_count'] as const };
    const batch = [
      { channel: 'private-encrypted-x', name: 'e', data: { secret: 'plain' } },
      { channel: 'b', name: 'e', data: 'text', info: 'subscription_count' },
    ];
    const params = { filter_by_prefix: 'presence-' };
    const snapshot = structuredClone({ channels, data, options, batch, params });
    await pusher.trigger(channels, 'e', data, options);
    await pusher.triggerBatch(batch);
    await pusher.triggerBatch(batch);
    await pusher.triggerMany(channels, 'e', data, options);
    await pusher.triggerBatchMany(batch);
    await pusher.get('/channels', params);
    expect({ channels, data, options, batch, params }).toEqual(snapshot);
    // Re-sending the same batch encrypts from the same plaintext (no double encryption).
    const first = JSON.parse(api.requests[1]?.body ?? '').batch[0].data;
    const second = JSON.parse(api.requests[2]?.body ?? '').batch[0].data;
    expect(Object.keys(JSON.parse(first))).toEqual(['nonce', 'ciphertext']);
    expect(second.length).toBe(first.length);
  });
});
