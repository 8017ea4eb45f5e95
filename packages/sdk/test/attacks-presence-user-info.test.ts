/**
 * Item 8.12 (SDK part): presence `user_info` is checked against the limit the server enforces
 * (`maxPresenceUserInfoBytes`, 1,024 UTF-8 bytes of JSON by default) before anything is signed, so
 * an auth endpoint never hands pusher-js a `channel_data` the server will refuse. Bytes, not
 * characters; object and pre-serialized presence data; user authentication's `user_info` (the
 * server uses it as the member info of a signed-in user); configurable through `limits`.
 */
import { PUSHER_DEFAULT_LIMITS } from '@pushwire/server';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, Pusher, ValidationError } from '../src/index';

const credentials = { appId: '1', key: 'app-key', secret: 'app-secret' } as const;
const pusher = new Pusher(credentials);

/** A user_info whose JSON (`{"bio":"..."}`) is exactly `bytes` UTF-8 bytes, made of `char`. */
function userInfoOf(bytes: number, char: string): { bio: string } {
  const overhead = '{"bio":""}'.length;
  const charBytes = Buffer.byteLength(char, 'utf8');
  const count = (bytes - overhead) / charBytes;
  if (!Number.isInteger(count)) throw new Error(`cannot build ${bytes} bytes from '${char}'`);
  const info = { bio: char.repeat(count) };
  expect(Buffer.byteLength(JSON.stringify(info), 'utf8')).toBe(bytes);
  return info;
}

function validationError(action: () => unknown): ValidationError {
  let error: unknown;
  try {
    action();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('presence user_info size', () => {
  it('defaults to the server limit: 1,024 bytes of JSON', () => {
    expect(DEFAULT_LIMITS.maxPresenceUserInfoBytes).toBe(1_024);
    expect(DEFAULT_LIMITS.maxPresenceUserInfoBytes).toBe(
      PUSHER_DEFAULT_LIMITS.maxPresenceUserInfoBytes,
    );
  });

  it.each([
    ['ASCII', 'a'],
    ['2-byte UTF-8', 'é'],
    ['3-byte UTF-8', '€'],
    ['4-byte UTF-8', '😀'],
  ])('authorizeChannel accepts 1,024 bytes and refuses 1,025+ (%s)', (_name, char) => {
    const fits = userInfoOf(1_024 - ((1_024 - 10) % Buffer.byteLength(char)), char);
    const channelData = pusher.authorizeChannel('1.1', 'presence-room', {
      user_id: 'u1',
      user_info: fits,
    }).channel_data;
    expect(channelData).toBe(JSON.stringify({ user_id: 'u1', user_info: fits }));
    const over = { bio: `${fits.bio}${char}` };
    const error = validationError(() =>
      pusher.authorizeChannel('1.1', 'presence-room', { user_id: 'u1', user_info: over }),
    );
    expect(error.field).toBe('presenceData.user_info');
    expect(error.limit).toBe(1_024);
    expect(error.message).toMatch(/user_info is \d+ bytes of JSON; the limit is 1024 bytes/);
    expect(error.message).toContain('maxPresenceUserInfoBytes');
  });

  it('counts bytes, not characters: 400 "€" are 400 characters but 1,210 bytes', () => {
    const info = { bio: '€'.repeat(400) };
    expect(JSON.stringify(info).length).toBeLessThan(1_024);
    const error = validationError(() =>
      pusher.authorizeChannel('1.1', 'presence-room', { user_id: 'u1', user_info: info }),
    );
    expect(error.message).toContain('1210 bytes');
  });

  it('checks pre-serialized channel_data strings the same way', () => {
    const text = JSON.stringify({ user_id: 'u1', user_info: { bio: 'é'.repeat(600) } });
    expect(text.length).toBeLessThan(1_024);
    expect(validationError(() => pusher.authorizeChannel('1.1', 'presence-room', text)).field).toBe(
      'presenceData.user_info',
    );
    const small = JSON.stringify({ user_id: 'u1', user_info: { bio: 'é' } });
    expect(pusher.authorizeChannel('1.1', 'presence-room', small).channel_data).toBe(small);
  });

  it('checks the user_info of user authentication (used for presence by signed-in users)', () => {
    const error = validationError(() =>
      pusher.authenticateUser('1.1', { id: 'u1', user_info: { bio: '😀'.repeat(300) } }),
    );
    expect(error.field).toBe('userData.user_info');
    expect(pusher.authenticateUser('1.1', { id: 'u1', user_info: { name: 'Zoë' } }).user_data).toBe(
      '{"id":"u1","user_info":{"name":"Zoë"}}',
    );
  });

  it('follows limits.maxPresenceUserInfoBytes (a server with a larger limit), or Infinity', () => {
    const big = { bio: 'x'.repeat(5_000) };
    expect(() =>
      pusher.authorizeChannel('1.1', 'presence-room', { user_id: 'u1', user_info: big }),
    ).toThrow(ValidationError);
    const relaxed = new Pusher({ ...credentials, limits: { maxPresenceUserInfoBytes: 65_536 } });
    expect(
      relaxed.authorizeChannel('1.1', 'presence-room', { user_id: 'u1', user_info: big }),
    ).toHaveProperty('channel_data');
    const unlimited = new Pusher({
      ...credentials,
      limits: { maxPresenceUserInfoBytes: Number.POSITIVE_INFINITY },
    });
    expect(
      unlimited.authorizeChannel('1.1', 'presence-room', { user_id: 'u1', user_info: big }),
    ).toHaveProperty('channel_data');
    const strict = new Pusher({ ...credentials, limits: { maxPresenceUserInfoBytes: 16 } });
    expect(
      validationError(() =>
        strict.authorizeChannel('1.1', 'presence-room', {
          user_id: 'u1',
          user_info: { bio: 'é'.repeat(4) },
        }),
      ).limit,
    ).toBe(16);
  });
});
