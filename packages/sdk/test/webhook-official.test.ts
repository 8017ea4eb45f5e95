/**
 * @module test/webhook-official
 * Cross-check with the official `pusher` package: bodies signed with node:crypto are judged by
 * its `webhook().isValid()` and by ours; both agree wherever the official SDK is right, and the
 * two documented official bugs (charset content type, missing signature) are shown as such.
 */
import { createHmac } from 'node:crypto';
import Pusher from 'pusher';
import { describe, expect, it } from 'vitest';
import { Webhook } from '../src/webhooks/webhook';

const KEY = 'official-key';
const SECRET = 'official-secret';
const official = new Pusher({ appId: '1', key: KEY, secret: SECRET, cluster: 'mt1' });
const BODY = JSON.stringify({
  time_ms: 1_700_000_000_000,
  events: [{ name: 'member_added', channel: 'presence-room', user_id: '42' }],
});

interface Case {
  label: string;
  headers: Record<string, string>;
  body: string;
  extra?: { key: string; secret: string }[];
  valid: boolean;
}

function headersFor(key: string, secret: string, body: string): Record<string, string> {
  return {
    'x-pusher-key': key,
    'x-pusher-signature': createHmac('sha256', secret).update(body).digest('hex'),
    'content-type': 'application/json',
  };
}

const rotated = { key: 'rotated-key', secret: 'rotated-secret' };
const cases: Case[] = [
  { label: 'valid', headers: headersFor(KEY, SECRET, BODY), body: BODY, valid: true },
  {
    label: 'tampered body',
    headers: headersFor(KEY, SECRET, BODY),
    body: BODY.replace('42', '43'),
    valid: false,
  },
  { label: 'wrong secret', headers: headersFor(KEY, 'nope', BODY), body: BODY, valid: false },
  { label: 'unknown key', headers: headersFor('other', SECRET, BODY), body: BODY, valid: false },
  {
    label: 'extra token',
    headers: headersFor(rotated.key, rotated.secret, BODY),
    body: BODY,
    extra: [rotated],
    valid: true,
  },
  {
    label: 'extra token key with the primary secret',
    headers: headersFor(rotated.key, SECRET, BODY),
    body: BODY,
    extra: [rotated],
    valid: false,
  },
  {
    label: 'bad JSON',
    headers: headersFor(KEY, SECRET, '{"time_ms":'),
    body: '{"time_ms":',
    valid: false,
  },
  {
    label: 'text/plain',
    headers: { ...headersFor(KEY, SECRET, BODY), 'content-type': 'text/plain' },
    body: BODY,
    valid: false,
  },
];

describe('agreement with the official pusher package', () => {
  it.each(cases)('$label', ({ headers, body, extra, valid }) => {
    const theirs = official.webhook({ headers, rawBody: body }).isValid(extra);
    const ours = new Webhook({ headers, body }, { key: KEY, secret: SECRET }).isValid(extra);
    expect(theirs).toBe(valid);
    expect(ours).toBe(valid);
  });

  it('official bug: refuses application/json; charset=utf-8, ours accepts it', () => {
    const headers = {
      ...headersFor(KEY, SECRET, BODY),
      'content-type': 'application/json; charset=utf-8',
    };
    expect(official.webhook({ headers, rawBody: BODY }).isValid()).toBe(false);
    expect(new Webhook({ headers, body: BODY }, { key: KEY, secret: SECRET }).isValid()).toBe(true);
  });

  it('official bug: throws a TypeError without a signature, ours returns false', () => {
    const { 'x-pusher-signature': _dropped, ...headers } = headersFor(KEY, SECRET, BODY);
    expect(() => official.webhook({ headers, rawBody: BODY }).isValid()).toThrow(TypeError);
    expect(new Webhook({ headers, body: BODY }, { key: KEY, secret: SECRET }).isValid()).toBe(
      false,
    );
  });

  it('both read the same events and time', () => {
    const headers = headersFor(KEY, SECRET, BODY);
    const theirs = official.webhook({ headers, rawBody: BODY });
    const ours = new Webhook({ headers, body: BODY }, { key: KEY, secret: SECRET });
    expect(ours.events).toEqual(theirs.getEvents());
    expect(ours.time).toEqual(theirs.getTime());
  });
});
