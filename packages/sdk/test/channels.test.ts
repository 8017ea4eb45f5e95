// Channel-name grammar, channel types and socket ids.
import { describe, expect, it } from 'vitest';
import {
  channelType,
  isCacheChannel,
  parseChannelName,
  serverToUserId,
  validateChannelName,
  validateSocketId,
} from '../src/channels';
import {
  CHANNEL_NAME_PATTERN,
  isChannelNameSyntax,
  isSocketIdSyntax,
  SOCKET_ID_PATTERN,
} from '../src/channels/names';
import { ValidationError } from '../src/errors';

describe('channel types', () => {
  it.each([
    ['news', 'public'],
    ['privateer', 'public'],
    ['private-x', 'private'],
    ['private-encrypted-x', 'private-encrypted'],
    ['private-encrypted-cache-x', 'private-encrypted'],
    ['presence-room', 'presence'],
    ['presence-cache-room', 'presence'],
    ['#server-to-user-42', 'server-to-user'],
    ['cache-x', 'public'],
  ])('%s is %s', (name, type) => {
    expect(channelType(name)).toBe(type);
  });
  it('recognises cache channels by anchored prefix', () => {
    expect(isCacheChannel('cache-a')).toBe(true);
    expect(isCacheChannel('private-cache-a')).toBe(true);
    expect(isCacheChannel('private-encrypted-cache-a')).toBe(true);
    expect(isCacheChannel('presence-cache-a')).toBe(true);
    expect(isCacheChannel('my-cache-a')).toBe(false);
  });
});

describe('validation', () => {
  it('accepts the full charset', () => {
    expect(validateChannelName('Az09_-=@,.;', 164)).toBe('Az09_-=@,.;');
  });
  it('rejects bad names with a typed error naming the value and limit', () => {
    expect(() => validateChannelName('a b', 164)).toThrow(/only A-Z/);
    expect(() => validateChannelName('', 164)).toThrow(ValidationError);
    expect(() => validateChannelName(42, 164)).toThrow(ValidationError);
    try {
      validateChannelName('a'.repeat(165), 164);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).limit).toBe(164);
      expect((error as Error).message).toMatch(/165 characters long; the limit is 164/);
    }
  });
  it('socket ids', () => {
    expect(validateSocketId('123.456')).toBe('123.456');
    for (const bad of ['123', '1.2.3', 'a.1', '', ' 1.1', '1.1\n', 1.1]) {
      expect(() => validateSocketId(bad)).toThrow(ValidationError);
    }
  });
});

describe('hand-written syntax checks match the published patterns', () => {
  const alphabet = 'aZ09_-=@,.;#:/ é\u0000\n1.';
  /** Deterministic pseudo-random strings over an alphabet of valid and invalid characters. */
  function* samples(count: number): Generator<string> {
    let seed = 7;
    for (let n = 0; n < count; n++) {
      let text = '';
      seed = (seed * 1103515245 + 12345) >>> 0;
      const length = seed % 8;
      for (let i = 0; i < length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        text += alphabet[seed % alphabet.length];
      }
      yield text;
    }
  }

  it('isChannelNameSyntax agrees with CHANNEL_NAME_PATTERN', () => {
    for (const text of samples(20_000)) {
      expect(isChannelNameSyntax(text)).toBe(CHANNEL_NAME_PATTERN.test(text));
    }
  });

  it('isSocketIdSyntax agrees with SOCKET_ID_PATTERN', () => {
    const fixed = ['1.2', '123.456', '.1', '1.', '1..2', '1.2.3', '', '.', '١.٢', '1.2\n', ' 1.2'];
    for (const text of [...fixed, ...samples(20_000)]) {
      expect(isSocketIdSyntax(text)).toBe(SOCKET_ID_PATTERN.test(text));
    }
  });
});

describe('parseChannelName (the one source of the channel-name rules)', () => {
  const rules = { maxLength: 164, maxUserIdLength: 128, serverToUser: true };
  it('classifies every type, the cache flag and whether a signature is needed', () => {
    const cases: [string, string, boolean, boolean][] = [
      ['news', 'public', false, false],
      ['cache-news', 'public', true, false],
      ['privateer', 'public', false, false],
      ['private-a', 'private', false, true],
      ['private-cache-a', 'private', true, true],
      ['private-encrypted-a', 'private-encrypted', false, true],
      ['private-encrypted-cache-a', 'private-encrypted', true, true],
      ['presence-a', 'presence', false, true],
      ['presence-cache-a', 'presence', true, true],
    ];
    for (const [name, type, cache, requiresAuth] of cases) {
      expect(parseChannelName(name, rules)).toEqual({
        ok: true,
        name,
        type,
        cache,
        requiresAuth,
        userId: undefined,
      });
    }
  });

  it('limits the user id of a user channel, not its name, and only where user channels are allowed', () => {
    expect(parseChannelName('#server-to-user-42', rules)).toMatchObject({
      ok: true,
      type: 'server-to-user',
      userId: '42',
      requiresAuth: false,
    });
    expect(parseChannelName(`#server-to-user-${'u'.repeat(128)}`, rules).ok).toBe(true);
    expect(parseChannelName(`#server-to-user-${'u'.repeat(129)}`, rules)).toEqual({
      ok: false,
      problem: 'user_id_length',
      limit: 128,
    });
    expect(parseChannelName('#server-to-user-', rules)).toMatchObject({
      problem: 'user_id_length',
    });
    expect(parseChannelName('#server-to-user-a b', rules)).toEqual({
      ok: false,
      problem: 'charset',
    });
    expect(parseChannelName('#server-to-user-42', { ...rules, serverToUser: false })).toEqual({
      ok: false,
      problem: 'charset',
    });
  });

  it('reports empty, too long (with the limit) and bad characters; 0 checks no length', () => {
    expect(parseChannelName('', rules)).toEqual({ ok: false, problem: 'empty' });
    expect(parseChannelName('x'.repeat(165), rules)).toEqual({
      ok: false,
      problem: 'too_long',
      limit: 164,
    });
    expect(parseChannelName('x'.repeat(5_000), { ...rules, maxLength: 0 }).ok).toBe(true);
    expect(parseChannelName('a#b', rules)).toEqual({ ok: false, problem: 'charset' });
    expect(parseChannelName('ä', rules)).toEqual({ ok: false, problem: 'charset' });
  });

  it('serverToUserId names the user of a user channel only', () => {
    expect(serverToUserId('#server-to-user-42')).toBe('42');
    expect(serverToUserId('private-42')).toBeUndefined();
  });
});
