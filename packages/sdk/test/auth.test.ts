/**
 * @module test/auth
 * Validation of channel authorization and user authentication: every bad input gets a typed
 * error with a clear message and no secret in it.
 */
import { describe, expect, it } from 'vitest';
import { authenticateUser } from '../src/auth/authenticate-user';
import { authorizeChannel } from '../src/auth/authorize-channel';
import type { AuthContext, PresenceData, UserData } from '../src/auth/types';
import { ConfigurationError, ValidationError } from '../src/errors';
import { DEFAULT_LIMITS } from '../src/limits';

const SECRET = 'super-secret-value-7ad3773142a6692b25b8';
const ctx: AuthContext = { key: 'app-key', secret: SECRET, limits: DEFAULT_LIMITS };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function expectValidation(fn: () => unknown, field: string, message: RegExp): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toBe(field);
  expect((error as ValidationError).message).toMatch(message);
  expect((error as ValidationError).message).not.toContain(SECRET);
}

describe('authorizeChannel', () => {
  it.each([['abc'], ['1234'], ['1.2.3'], [''], ['1.1 '], ['.1']])(
    'rejects socket id %j',
    (socketId) => {
      expectValidation(
        () => authorizeChannel(ctx, socketId, 'private-a'),
        'socketId',
        /Invalid socket id/,
      );
    },
  );

  it('rejects a non-string socket id and channel', () => {
    expectValidation(
      () => authorizeChannel(ctx, 12 as unknown as string, 'private-a'),
      'socketId',
      /socket id/,
    );
    expectValidation(
      () => authorizeChannel(ctx, '1.1', 5 as unknown as string),
      'channel',
      /channel name/,
    );
  });

  it('rejects public and server-to-user channels', () => {
    expectValidation(() => authorizeChannel(ctx, '1.1', 'my-channel'), 'channel', /public channel/);
    expectValidation(() => authorizeChannel(ctx, '1.1', 'cache-x'), 'channel', /public channel/);
    expectValidation(
      () => authorizeChannel(ctx, '1.1', '#server-to-user-42'),
      'channel',
      /server-to-user channel.*user authentication/,
    );
  });

  it('rejects bad characters and names over the length limit', () => {
    expectValidation(() => authorizeChannel(ctx, '1.1', 'private-a b'), 'channel', /only A-Z/);
    expectValidation(() => authorizeChannel(ctx, '1.1', 'private-ä'), 'channel', /only A-Z/);
    const limit = DEFAULT_LIMITS.maxChannelNameLength;
    const atLimit = `private-${'x'.repeat(limit - 'private-'.length)}`;
    expect(authorizeChannel(ctx, '1.1', atLimit).auth).toMatch(/^app-key:[0-9a-f]{64}$/);
    expectValidation(() => authorizeChannel(ctx, '1.1', `${atLimit}x`), 'channel', /limit is 164/);
    const custom = { ...ctx, limits: { ...DEFAULT_LIMITS, maxChannelNameLength: 200 } };
    expect(authorizeChannel(custom, '1.1', `${atLimit}x`).auth).toMatch(/^app-key:/);
  });

  it('requires presence data with a non-empty user_id on presence channels', () => {
    expectValidation(
      () => authorizeChannel(ctx, '1.1', 'presence-a'),
      'presenceData',
      /need presence data/,
    );
    const bad: unknown[] = [
      {},
      { user_id: '' },
      { user_id: null },
      { user_id: Number.NaN },
      { user_id: {} },
    ];
    for (const data of bad) {
      expectValidation(
        () => authorizeChannel(ctx, '1.1', 'presence-a', data as PresenceData),
        'presenceData.user_id',
        /non-empty string or finite number user_id/,
      );
    }
    expectValidation(
      () => authorizeChannel(ctx, '1.1', 'presence-a', [] as unknown as PresenceData),
      'presenceData',
      /must be an object/,
    );
  });

  it('accepts number and string user ids, and checks their length against the limit', () => {
    expect(authorizeChannel(ctx, '1.1', 'presence-a', { user_id: 0 }).channel_data).toBe(
      '{"user_id":0}',
    );
    const long = 'u'.repeat(DEFAULT_LIMITS.maxUserIdLength);
    expect(authorizeChannel(ctx, '1.1', 'presence-a', { user_id: long }).channel_data).toContain(
      long,
    );
    expectValidation(
      () => authorizeChannel(ctx, '1.1', 'presence-a', { user_id: `${long}u` }),
      'presenceData.user_id',
      /limit is 128/,
    );
  });

  it('checks pre-serialized presence data', () => {
    expectValidation(
      () => authorizeChannel(ctx, '1.1', 'presence-a', '{nope'),
      'presenceData',
      /not valid JSON/,
    );
    expectValidation(
      () => authorizeChannel(ctx, '1.1', 'presence-a', '{"user_info":{}}'),
      'presenceData.user_id',
      /user_id/,
    );
    expectValidation(
      () => authorizeChannel(ctx, '1.1', 'presence-a', '"x"'),
      'presenceData',
      /must be an object/,
    );
  });

  it('rejects presence data that cannot be serialized', () => {
    const cyclic: { user_id: string; user_info: { self?: unknown } } = {
      user_id: 'u',
      user_info: {},
    };
    cyclic.user_info.self = cyclic;
    expectValidation(
      () => authorizeChannel(ctx, '1.1', 'presence-a', cyclic),
      'presenceData',
      /JSON-serializable/,
    );
    expectValidation(
      () => authorizeChannel(ctx, '1.1', 'presence-a', { user_id: 'u', user_info: 1n }),
      'presenceData',
      /JSON-serializable/,
    );
  });

  it('refuses presence data on private and encrypted channels', () => {
    expectValidation(
      () => authorizeChannel(ctx, '1.1', 'private-a', { user_id: 'u' }),
      'presenceData',
      /only for presence- channels/,
    );
    const withKey = { ...ctx, masterKey: new Uint8Array(32) };
    expectValidation(
      () => authorizeChannel(withKey, '1.1', 'private-encrypted-a', { user_id: 'u' }),
      'presenceData',
      /only for presence- channels/,
    );
  });

  it('needs the master key for encrypted channels (ConfigurationError)', () => {
    const error = thrown(() => authorizeChannel(ctx, '1.1', 'private-encrypted-a'));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe('encryptionMasterKeyBase64');
    expect((error as Error).message).toMatch(/encryptionMasterKeyBase64/);
  });

  it('treats null presence data on a private channel as none', () => {
    const none = null as unknown as PresenceData;
    expect(authorizeChannel(ctx, '1.1', 'private-a', none)).toEqual(
      authorizeChannel(ctx, '1.1', 'private-a'),
    );
    expectValidation(
      () => authorizeChannel(ctx, '1.1', 'presence-a', none),
      'presenceData',
      /need presence data/,
    );
  });

  it('returns no shared_secret or channel_data on private channels', () => {
    const result = authorizeChannel({ ...ctx, masterKey: new Uint8Array(32) }, '1.1', 'private-a');
    expect(Object.keys(result)).toEqual(['auth']);
  });
});

describe('authenticateUser', () => {
  it.each([[null], ['user-1'], [[{ id: '1' }]], [42]])(
    'rejects user data %j that is not an object',
    (userData) => {
      expectValidation(
        () => authenticateUser(ctx, '1.1', userData as unknown as UserData),
        'userData',
        /must be an object/,
      );
    },
  );

  it.each([[{}], [{ id: '' }], [{ id: 12 }], [{ id: null }]])('rejects id in %j', (userData) => {
    expectValidation(
      () => authenticateUser(ctx, '1.1', userData as unknown as UserData),
      'userData.id',
      /non-empty string id/,
    );
  });

  it('checks the socket id, the id length and the watchlist', () => {
    expectValidation(() => authenticateUser(ctx, 'x', { id: '1' }), 'socketId', /socket id/);
    const long = 'u'.repeat(DEFAULT_LIMITS.maxUserIdLength + 1);
    expectValidation(
      () => authenticateUser(ctx, '1.1', { id: long }),
      'userData.id',
      /limit is 128/,
    );
    expectValidation(
      () => authenticateUser(ctx, '1.1', { id: '1', watchlist: [1] as unknown as string[] }),
      'userData.watchlist',
      /array of user id strings/,
    );
    expect(authenticateUser(ctx, '1.1', { id: '1', watchlist: ['2', '3'] }).user_data).toBe(
      '{"id":"1","watchlist":["2","3"]}',
    );
  });

  it('rejects user data that cannot be serialized', () => {
    expectValidation(
      () => authenticateUser(ctx, '1.1', { id: '1', big: 1n }),
      'userData',
      /JSON-serializable/,
    );
  });

  it('does not change the caller object', () => {
    const userData = { id: '1', user_info: { name: 'A' } };
    const clone = structuredClone(userData);
    authenticateUser(ctx, '1.1', userData);
    expect(userData).toEqual(clone);
  });
});
