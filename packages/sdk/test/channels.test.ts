// Channel-name grammar, channel types and socket ids.
import { describe, expect, it } from 'vitest';
import {
  channelType,
  isCacheChannel,
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
