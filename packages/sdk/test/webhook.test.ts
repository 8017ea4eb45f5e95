/**
 * @module test/webhook
 * Webhook verification: the §3.5 vectors, every way a webhook can be wrong, header shapes,
 * body types, extra tokens (key and secret must pair), freshness, typed events, decryption of
 * encrypted client events, and a real Fetch `Request`.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptData } from '../src/encryption/encrypt';
import { parseMasterKey } from '../src/encryption/master-key';
import { PusherError } from '../src/errors';
import { WebhookError, type WebhookErrorReason } from '../src/webhooks/errors';
import type { WebhookEvent } from '../src/webhooks/events';
import { webhookFromRequest } from '../src/webhooks/from-request';
import { Webhook, type WebhookInput } from '../src/webhooks/webhook';

const KEY = 'app-key';
const SECRET = 'app-secret-0123456789';
const ctx = { key: KEY, secret: SECRET };
const BODY = JSON.stringify({
  time_ms: 1_700_000_000_000,
  events: [{ name: 'channel_occupied', channel: 'private-room' }],
});

function sign(secret: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function signed(
  body: string,
  key = KEY,
  secret = SECRET,
  contentType = 'application/json',
): WebhookInput {
  return {
    headers: {
      'x-pusher-key': key,
      'x-pusher-signature': sign(secret, body),
      'content-type': contentType,
    },
    body,
  };
}

function reasonOf(fn: () => unknown): WebhookErrorReason {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookError);
    expect(error).toBeInstanceOf(PusherError);
    expect((error as Error).message).not.toContain(SECRET);
    return (error as WebhookError).reason;
  }
  throw new Error('expected a WebhookError');
}

describe('§3.5 vectors', () => {
  const nodeBody =
    '{"time_ms":1403175510755,"events":[{"channel":"test_channel","name":"channel_vacated"}]}';
  const nodeHeaders = (key: string) => ({
    'x-pusher-key': key,
    'x-pusher-signature': 'c17257e92037cd7de407ebc1ed174ceb7b2e518db127f44411b9ffc4f5b28cc5',
    'content-type': 'application/json',
  });

  it('node: valid, with the right time and events', () => {
    const webhook = new Webhook(
      { headers: nodeHeaders('123456789'), body: nodeBody },
      { key: '123456789', secret: 'tofu' },
    );
    expect(webhook.isValid()).toBe(true);
    expect(webhook.time).toEqual(new Date(1403175510755));
    expect(webhook.events).toEqual([{ name: 'channel_vacated', channel: 'test_channel' }]);
  });

  it('node: the same signature under extra tokens 1234 and 3 (secret tofu)', () => {
    const primary = { key: '123456789', secret: 'tofu' };
    for (const key of ['1234', '3']) {
      const webhook = new Webhook({ headers: nodeHeaders(key), body: nodeBody }, primary);
      expect(webhook.isValid()).toBe(false);
      expect(webhook.isValid({ key, secret: 'tofu' })).toBe(true);
      expect(
        webhook.isValid([
          { key: 'x', secret: 'y' },
          { key, secret: 'tofu' },
        ]),
      ).toBe(true);
    }
  });

  it.each([
    [
      'go',
      'key',
      'secret',
      '{"hello":"world"}',
      '2677ad3e7c090b2fa2c0fb13020d66d5420879b8316eb356a2d60fb9073bc778',
    ],
    [
      'php',
      'thisisaauthkey',
      'thisisasecret',
      '{"hello":"world"}',
      '40e0ad3b9aa49529322879e84de1aaaf18bde1efe839ca263d540cc865510d25',
    ],
  ])(
    '%s: the signature matches, but {"hello":"world"} is not a webhook body',
    (_sdk, key, secret, body, signature) => {
      const headers = {
        'x-pusher-key': key,
        'x-pusher-signature': signature,
        'content-type': 'application/json',
      };
      const webhook = new Webhook({ headers, body }, { key, secret });
      expect(reasonOf(() => webhook.verify())).toBe('malformed_body');
      const wrongSecret = new Webhook({ headers, body }, { key, secret: `${secret}x` });
      expect(reasonOf(() => wrongSecret.verify())).toBe('bad_signature');
    },
  );

  it('php: a client event', () => {
    const body =
      '{"time_ms":1530710011901,"events":[{"name":"client_event","channel":"private-my-channel","event":"client-event","data":"Unencrypted","socket_id":"240621.35780774"}]}';
    const headers = {
      'x-pusher-key': 'thisisaauthkey',
      'x-pusher-signature': 'a19cab2af3ca1029257570395e78d5d675e9e700ca676d18a375a7083178df1c',
      'content-type': 'application/json',
    };
    const webhook = new Webhook(
      { headers, body },
      { key: 'thisisaauthkey', secret: 'thisisasecret' },
    );
    expect(webhook.isValid()).toBe(true);
    expect(webhook.events).toEqual([
      {
        name: 'client_event',
        channel: 'private-my-channel',
        event: 'client-event',
        data: 'Unencrypted',
        socket_id: '240621.35780774',
      },
    ]);
    expect(webhook.isValid(undefined, { maxAgeMs: 300_000 })).toBe(false);
  });

  it('ruby: the signature matches; an event of an unknown kind ("foo") is kept apart', () => {
    const body = JSON.stringify({ time_ms: 123456, events: [{ name: 'foo' }] });
    const webhook = new Webhook(signed(body, '1234', 'asdf'), { key: '1234', secret: 'asdf' });
    expect(webhook.isValid()).toBe(true);
    expect(webhook.time).toEqual(new Date(123.456 * 1000));
    expect(webhook.events).toEqual([]);
    expect(webhook.unknownEvents).toEqual([{ name: 'foo' }]);
  });
});

describe('verification', () => {
  it('accepts a valid webhook', () => {
    const webhook = new Webhook(signed(BODY), ctx);
    expect(webhook.isValid()).toBe(true);
    expect(() => webhook.verify()).not.toThrow();
    expect(webhook.key).toBe(KEY);
    expect(webhook.signature).toBe(sign(SECRET, BODY));
  });

  it('rejects a tampered body and a tampered signature', () => {
    const input = signed(BODY);
    const body = BODY.replace('private-room', 'private-roon');
    expect(reasonOf(() => new Webhook({ ...input, body }, ctx).verify())).toBe('bad_signature');
    const signature = sign(SECRET, BODY).replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const headers = { ...input.headers, 'x-pusher-signature': signature };
    expect(reasonOf(() => new Webhook({ headers, body: BODY }, ctx).verify())).toBe(
      'bad_signature',
    );
    expect(new Webhook({ headers, body: BODY }, ctx).isValid()).toBe(false);
    const short = { ...input.headers, 'x-pusher-signature': 'abc' };
    expect(new Webhook({ headers: short, body: BODY }, ctx).isValid()).toBe(false);
  });

  it.each(['x-pusher-key', 'x-pusher-signature', 'content-type'])(
    'rejects a missing %s',
    (name) => {
      const headers: Record<string, string> = {
        ...(signed(BODY).headers as Record<string, string>),
      };
      delete headers[name];
      const webhook = new Webhook({ headers, body: BODY }, ctx);
      expect(webhook.isValid()).toBe(false);
      expect(reasonOf(() => webhook.verify())).toBe('missing_headers');
      expect(reasonOf(() => webhook.events)).toBe('missing_headers');
    },
  );

  it('rejects an unknown key', () => {
    const webhook = new Webhook(signed(BODY, 'other-key'), ctx);
    expect(webhook.isValid()).toBe(false);
    expect(reasonOf(() => webhook.verify())).toBe('unknown_key');
  });

  it('pairs key and secret: a known key with another token’s secret is refused (the edge-port bug)', () => {
    const tokens = [
      { key: 'old-key', secret: 'old-secret' },
      { key: 'new-key', secret: 'new-secret' },
    ];
    expect(new Webhook(signed(BODY, 'old-key', 'new-secret'), ctx).isValid(tokens)).toBe(false);
    expect(new Webhook(signed(BODY, 'new-key', 'old-secret'), ctx).isValid(tokens)).toBe(false);
    expect(new Webhook(signed(BODY, KEY, 'old-secret'), ctx).isValid(tokens)).toBe(false);
    expect(new Webhook(signed(BODY, 'old-key', SECRET), ctx).isValid(tokens)).toBe(false);
    expect(new Webhook(signed(BODY, 'old-key', 'old-secret'), ctx).isValid(tokens)).toBe(true);
    expect(new Webhook(signed(BODY, 'new-key', 'new-secret'), ctx).isValid(tokens)).toBe(true);
    expect(new Webhook(signed(BODY, 'new-key', 'new-secret'), ctx).isValid(tokens[1])).toBe(true);
  });

  it('accepts two tokens with the same key when either secret signed the body', () => {
    const tokens = [{ key: KEY, secret: 'rotated-secret' }];
    expect(new Webhook(signed(BODY, KEY, 'rotated-secret'), ctx).isValid(tokens)).toBe(true);
  });

  it('never throws from isValid on malformed extra tokens; verify says why', () => {
    const webhook = new Webhook(signed(BODY), ctx);
    const bad = [null, { key: 'k' }, { key: 1, secret: 's' }] as unknown as {
      key: string;
      secret: string;
    }[];
    expect(webhook.isValid(bad)).toBe(false);
    expect(() => webhook.verify(bad)).toThrow(/extra token/);
  });

  it.each([
    ['not JSON', '{"time_ms":1,'],
    ['an array', '[]'],
    ['missing time_ms', '{"events":[]}'],
    ['a string time_ms', '{"time_ms":"1","events":[]}'],
    ['events not an array', '{"time_ms":1,"events":{}}'],
    ['an event that is not an object', '{"time_ms":1,"events":[1]}'],
    ['an event without a name', '{"time_ms":1,"events":[{"channel":"a"}]}'],
    ['an event without a channel', '{"time_ms":1,"events":[{"name":"channel_occupied"}]}'],
    [
      'member_added without user_id',
      '{"time_ms":1,"events":[{"name":"member_added","channel":"presence-a"}]}',
    ],
    [
      'client_event without data',
      '{"time_ms":1,"events":[{"name":"client_event","channel":"private-a","event":"client-x","socket_id":"1.1"}]}',
    ],
    [
      'a negative subscription_count',
      '{"time_ms":1,"events":[{"name":"subscription_count","channel":"a","subscription_count":-1}]}',
    ],
  ])('rejects a signed body that is %s', (_label, body) => {
    const webhook = new Webhook(signed(body), ctx);
    expect(webhook.isValid()).toBe(false);
    expect(reasonOf(() => webhook.verify())).toBe('malformed_body');
    expect(reasonOf(() => webhook.events)).toBe('malformed_body');
    expect(reasonOf(() => webhook.time)).toBe('malformed_body');
  });

  it('accepts application/json with parameters, in any case; refuses other types', () => {
    expect(
      new Webhook(signed(BODY, KEY, SECRET, 'application/json; charset=utf-8'), ctx).isValid(),
    ).toBe(true);
    expect(
      new Webhook(signed(BODY, KEY, SECRET, 'Application/JSON;charset=UTF-8'), ctx).isValid(),
    ).toBe(true);
    const text = new Webhook(signed(BODY, KEY, SECRET, 'text/plain'), ctx);
    expect(text.isValid()).toBe(false);
    expect(reasonOf(() => text.verify())).toBe('malformed_body');
    expect(new Webhook(signed(BODY, KEY, SECRET, 'application/jsonx'), ctx).isValid()).toBe(false);
  });

  it('reads headers case-insensitively from a plain object, from Headers, and from array values', () => {
    const signature = sign(SECRET, BODY);
    const mixedCase = {
      'X-Pusher-Key': KEY,
      'X-PUSHER-SIGNATURE': signature,
      'Content-Type': 'application/json',
    };
    expect(new Webhook({ headers: mixedCase, body: BODY }, ctx).isValid()).toBe(true);
    const fetchHeaders = new Headers(mixedCase);
    expect(new Webhook({ headers: fetchHeaders, body: BODY }, ctx).isValid()).toBe(true);
    const arrays = {
      'x-pusher-key': [KEY],
      'x-pusher-signature': [signature],
      'content-type': ['application/json'],
    };
    expect(new Webhook({ headers: arrays, body: BODY }, ctx).isValid()).toBe(true);
    const doubled = { ...arrays, 'x-pusher-signature': [signature, signature] };
    expect(new Webhook({ headers: doubled, body: BODY }, ctx).isValid()).toBe(false);
    const undefinedValue = { ...mixedCase, 'X-Pusher-Key': undefined };
    expect(reasonOf(() => new Webhook({ headers: undefinedValue, body: BODY }, ctx).verify())).toBe(
      'missing_headers',
    );
  });

  it('verifies a Uint8Array body byte for byte (including non-ASCII)', () => {
    const text = JSON.stringify({
      time_ms: 1,
      events: [
        {
          name: 'client_event',
          channel: 'private-a',
          event: 'client-x',
          data: 'héllo €',
          socket_id: '1.2',
        },
      ],
    });
    const bytes = new TextEncoder().encode(text);
    const headers = {
      'x-pusher-key': KEY,
      'x-pusher-signature': sign(SECRET, bytes),
      'content-type': 'application/json',
    };
    const webhook = new Webhook({ headers, body: bytes }, ctx);
    expect(webhook.isValid()).toBe(true);
    expect(webhook.events[0]).toMatchObject({ data: 'héllo €' });
    const tampered = bytes.slice();
    const index = tampered.length - 3;
    tampered[index] = tampered[index]! ^ 1;
    expect(new Webhook({ headers, body: tampered }, ctx).isValid()).toBe(false);
  });

  it('checks freshness only when asked', () => {
    const fresh = JSON.stringify({ time_ms: Date.now() - 1_000, events: [] });
    const old = JSON.stringify({ time_ms: Date.now() - 600_000, events: [] });
    expect(new Webhook(signed(old), ctx).isValid()).toBe(true);
    expect(new Webhook(signed(old), ctx).isValid(undefined, { maxAgeMs: 300_000 })).toBe(false);
    expect(reasonOf(() => new Webhook(signed(old), ctx).verify([], { maxAgeMs: 300_000 }))).toBe(
      'stale',
    );
    expect(new Webhook(signed(fresh), ctx).isValid([], { maxAgeMs: 300_000 })).toBe(true);
    expect(new Webhook(signed(fresh), ctx).isValid([], { maxAgeMs: -1 })).toBe(false);
  });

  it('reads events only from a webhook that verified (extra tokens remembered)', () => {
    const webhook = new Webhook(signed(BODY, 'old-key', 'old-secret'), ctx);
    expect(reasonOf(() => webhook.events)).toBe('unknown_key');
    expect(webhook.isValid({ key: 'old-key', secret: 'old-secret' })).toBe(true);
    expect(webhook.events).toHaveLength(1);
  });

  it('gives typed events for every event name', () => {
    const events = [
      { name: 'channel_occupied', channel: 'a' },
      { name: 'channel_vacated', channel: 'a' },
      { name: 'member_added', channel: 'presence-a', user_id: '7' },
      { name: 'member_removed', channel: 'presence-a', user_id: 8 },
      {
        name: 'client_event',
        channel: 'presence-a',
        event: 'client-x',
        data: '{}',
        socket_id: '1.2',
        user_id: '7',
      },
      { name: 'cache_miss', channel: 'cache-a' },
      { name: 'subscription_count', channel: 'a', subscription_count: 3 },
    ];
    const webhook = new Webhook(signed(JSON.stringify({ time_ms: 5, events })), ctx);
    const parsed: WebhookEvent[] = webhook.events;
    expect(parsed.map((event) => event.name)).toEqual(events.map((event) => event.name));
    const removed = parsed[3]!;
    expect(removed.name === 'member_removed' && removed.user_id).toBe('8');
    const count = parsed[6]!;
    expect(count.name === 'subscription_count' && count.subscription_count).toBe(3);
  });

  it('decrypts private-encrypted client events when a master key is given', () => {
    const master = parseMasterKey('zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=');
    const channel = 'private-encrypted-room';
    const body = JSON.stringify({
      time_ms: 1,
      events: [
        {
          name: 'client_event',
          channel,
          event: 'client-msg',
          data: encryptData(channel, '{"text":"hi"}', master),
          socket_id: '1.1',
        },
        {
          name: 'client_event',
          channel: 'private-room',
          event: 'client-msg',
          data: 'clear',
          socket_id: '1.1',
        },
      ],
    });
    const withKey = new Webhook(signed(body), { ...ctx, masterKey: master });
    expect(
      withKey.events.map((event) => (event.name === 'client_event' ? event.data : '')),
    ).toEqual(['{"text":"hi"}', 'clear']);
    const withoutKey = new Webhook(signed(body), ctx);
    const first = withoutKey.events[0]!;
    expect(first.name === 'client_event' && first.data).toMatch(/"nonce"/);
    const wrongKey = new Webhook(signed(body), { ...ctx, masterKey: new Uint8Array(32) });
    expect(wrongKey.isValid()).toBe(false);
    expect(reasonOf(() => wrongKey.verify())).toBe('malformed_body');
  });

  it('explains a body that was parsed before verification', () => {
    const input = signed(BODY);
    const parsed = new Webhook({ ...input, body: JSON.parse(BODY) as unknown as string }, ctx);
    expect(parsed.isValid()).toBe(false);
    expect(reasonOf(() => parsed.verify())).toBe('malformed_body');
    expect(() => parsed.verify()).toThrow(/raw request body/);
    const view = new DataView(new TextEncoder().encode(BODY).buffer);
    expect(new Webhook({ ...input, body: view as unknown as Uint8Array }, ctx).isValid()).toBe(
      true,
    );
  });

  it('refuses a context without a secret at construction', () => {
    expect(() => new Webhook(signed(BODY), { key: KEY, secret: '' })).toThrow(/secret/);
  });
});

describe('webhookFromRequest', () => {
  it('reads the raw body of a real Fetch Request', async () => {
    const request = new Request('http://localhost/pusher/webhooks', {
      method: 'POST',
      headers: {
        'X-Pusher-Key': KEY,
        'X-Pusher-Signature': sign(SECRET, BODY),
        'Content-Type': 'application/json; charset=utf-8',
      },
      body: BODY,
    });
    const webhook = await webhookFromRequest(request, ctx);
    expect(webhook.isValid()).toBe(true);
    expect(webhook.events).toEqual([{ name: 'channel_occupied', channel: 'private-room' }]);
  });

  it('detects a tampered request and a body that was already read', async () => {
    const init = {
      method: 'POST',
      headers: {
        'x-pusher-key': KEY,
        'x-pusher-signature': sign(SECRET, BODY),
        'content-type': 'application/json',
      },
    };
    const tampered = new Request('http://localhost/', { ...init, body: `${BODY} ` });
    expect((await webhookFromRequest(tampered, ctx)).isValid()).toBe(false);
    const used = new Request('http://localhost/', { ...init, body: BODY });
    await used.text();
    await expect(webhookFromRequest(used, ctx)).rejects.toThrow(/already read/);
  });
});

describe('forward compatibility', () => {
  it('keeps events of an unknown kind apart instead of rejecting the webhook', () => {
    const body = JSON.stringify({
      time_ms: 1,
      events: [
        { name: 'channel_occupied', channel: 'a' },
        { name: 'future_event', channel: 'a', extra: 1 },
      ],
    });
    const webhook = new Webhook(
      {
        headers: {
          'x-pusher-key': KEY,
          'x-pusher-signature': sign(SECRET, body),
          'content-type': 'application/json',
        },
        body,
      },
      ctx,
    );
    expect(webhook.isValid()).toBe(true);
    expect(webhook.events).toEqual([{ name: 'channel_occupied', channel: 'a' }]);
    expect(webhook.unknownEvents).toEqual([{ name: 'future_event', channel: 'a', extra: 1 }]);
  });
});
