/**
 * The console's session tokens: valid for their app until they expire, refused when forged, for
 * another app, signed with another secret, expired or malformed; never carrying the secret.
 */
import { describe, expect, it } from 'vitest';
import { checkSessionToken, issueSessionToken, SESSION_TTL_MS } from '../src/console/session-token';

const SECRET = 'console-secret-0123456789';

describe('session tokens', () => {
  it('are valid for their app until they expire', () => {
    const { token, expiresAt } = issueSessionToken('app-1', SECRET, 1000);
    expect(expiresAt).toBe(1000 + SESSION_TTL_MS);
    expect(token).not.toContain(SECRET);
    expect(checkSessionToken(token, 'app-1', SECRET, 2000)).toBeUndefined();
    expect(checkSessionToken(token, 'app-1', SECRET, expiresAt)).toBe(
      'Session expired; log in again',
    );
  });

  it('are refused for another app, another secret, or when altered', () => {
    const { token } = issueSessionToken('app-1', SECRET, 1000);
    expect(checkSessionToken(token, 'app-2', SECRET, 2000)).toBe('Invalid session token');
    expect(checkSessionToken(token, 'app-1', 'other-secret', 2000)).toBe('Invalid session token');
    const [payload, signature] = token.split('.') as [string, string];
    const longer = Buffer.from(JSON.stringify({ a: 'app-1', e: 9e15 })).toString('base64url');
    expect(checkSessionToken(`${longer}.${signature}`, 'app-1', SECRET, 2000)).toBe(
      'Invalid session token',
    );
    for (const bad of ['', '.', payload, `${payload}.`, 'x'.repeat(600)]) {
      expect(checkSessionToken(bad, 'app-1', SECRET, 2000)).toBe('Invalid session token');
    }
  });
});
