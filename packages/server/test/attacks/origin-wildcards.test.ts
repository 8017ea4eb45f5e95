/**
 * @module test/attacks/origin-wildcards
 * Item 8.12 (allowedOrigins): a wildcard entry matches parsed origins only (scheme, host, port).
 * Before the fix the match was a string prefix/suffix test, so `https://evil.net/.example.com`
 * and `https://a.example.com.evil.net`-style tricks could pass; each case here is a real upgrade.
 */

import { describe, expect, it } from 'vitest';
import { APP, RawClient, startServer } from '../ws-helpers';

/** Connects with `origin` and resolves to 'accepted' or the close code of the refusal. */
async function outcome(url: string, origin: string): Promise<'accepted' | number> {
  const client = new RawClient(url, { origin });
  return Promise.race([
    client.event('pusher:connection_established').then(() => 'accepted' as const),
    client.closed.then(({ code }) => code),
  ]);
}

describe('attack: allowedOrigins wildcards', () => {
  it('matches subdomains by scheme, host and port, and refuses everything else with 4009', async () => {
    const { wsUrl } = await startServer({
      apps: [
        {
          ...APP,
          allowedOrigins: ['https://*.example.com', 'http://exact.test:8080'],
        },
      ],
    });
    const url = wsUrl();
    const accepted = [
      'https://a.example.com',
      'https://a.b.example.com',
      'HTTPS://A.Example.COM',
      'https://a.example.com:443',
      'http://exact.test:8080',
    ];
    const refused = [
      // a path that ends like the pattern
      'https://evil.net/.example.com',
      'https://evil.net/a.example.com',
      // a longer host that merely contains the pattern
      'https://a.example.com.evil.net',
      'https://aexample.com',
      'https://example.com',
      // other schemes or ports
      'http://a.example.com',
      'wss://a.example.com',
      'https://a.example.com:8443',
      'http://exact.test',
      'http://exact.test:8081',
      // userinfo, query, fragment, path or nothing parseable
      'https://a.example.com@evil.net',
      'https://evil.net@a.example.com',
      'https://a.example.com/',
      'https://a.example.com?x=.example.com',
      'https://a.example.com#.example.com',
      'null',
      'not an origin',
      'https://',
    ];
    for (const origin of refused) {
      expect([origin, await outcome(url, origin)]).toEqual([origin, 4009]);
    }
    for (const origin of accepted) {
      expect([origin, await outcome(url, origin)]).toEqual([origin, 'accepted']);
    }
  });
});
