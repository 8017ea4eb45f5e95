// Channel-name grammar, channel types and socket ids.
import { describe, expect, it } from 'vitest';
import {
  channelType,
  isCacheChannel,
  validateChannelName,
  validateSocketId,
} from '../src/channels';
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
