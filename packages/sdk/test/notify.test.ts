/**
 * @module test/notify
 * Native push payloads: every rule of the Ruby gem v1.2.0.rc2 (`lib/pusher/native_notification`), the
 * gem's messages, `interests` last, and the caller's object left untouched.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors';
import {
  buildNotificationBody,
  checkNotificationBody,
  type NotificationPayload,
} from '../src/notify/payload';

const GCM = { gcm: { notification: { title: 'Hello', icon: 'icon' } } };

function fails(
  interests: string | string[],
  payload: unknown,
  message: string,
  field?: string,
): void {
  const input = payload as NotificationPayload;
  let caught: unknown;
  try {
    buildNotificationBody(interests, input);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  expect((caught as Error).message).toBe(message);
  if (field !== undefined) expect((caught as ValidationError).field).toBe(field);
}

describe('buildNotificationBody', () => {
  it('builds the body of the derived rc2 vector (§3.1), interests last', () => {
    expect(buildNotificationBody('test', GCM)).toBe(
      '{"gcm":{"notification":{"title":"Hello","icon":"icon"}},"interests":["test"]}',
    );
    expect(buildNotificationBody(['test'], GCM)).toBe(buildNotificationBody('test', GCM));
  });

  it('allows zero interests and refuses more than one', () => {
    expect(JSON.parse(buildNotificationBody([], GCM))).toMatchObject({ interests: [] });
    fails(['a', 'b'], GCM, 'Too many interests provided', 'interests');
  });

  it('keeps a caller-provided interests key in place, with the given interests', () => {
    expect(buildNotificationBody('x', { interests: ['ignored'], apns: { aps: {} } })).toBe(
      '{"interests":["x"],"apns":{"aps":{}}}',
    );
  });

  it('requires apns or gcm', () => {
    fails('a', {}, 'GCM or APNS data must be provided', 'payload');
    fails('a', { webhook_url: 'https://example.com' }, 'GCM or APNS data must be provided');
    fails('a', { apns: undefined }, 'GCM or APNS data must be provided');
    expect(JSON.parse(buildNotificationBody('a', { apns: { aps: { alert: 'hi' } } }))).toEqual({
      apns: { aps: { alert: 'hi' } },
      interests: ['a'],
    });
  });

  it('does not validate apns', () => {
    expect(() => buildNotificationBody('a', { apns: { anything: [1, 2] } })).not.toThrow();
  });

  it('strips gcm to and registration_ids silently', () => {
    const body = JSON.parse(
      buildNotificationBody('a', {
        gcm: { to: 'device', registration_ids: ['r'], collapse_key: 'k' },
      }),
    );
    expect(body).toEqual({ gcm: { collapse_key: 'k' }, interests: ['a'] });
  });

  it('refuses a gcm value that is not an object', () => {
    fails('a', { gcm: 'x' }, 'GCM data must be an object', 'gcm');
  });

  it.each([[0], [241_920], [100.7], ['3600'], [null]])('accepts time_to_live %j', (ttl) => {
    expect(() =>
      buildNotificationBody('a', { gcm: { time_to_live: ttl as number } }),
    ).not.toThrow();
  });

  it.each([[-1], [241_921], ['241921'], [true], [{}]])('refuses time_to_live %j', (ttl) => {
    fails(
      'a',
      { gcm: { time_to_live: ttl } },
      'Time to live must be between 0 and 241920 (4 weeks)',
      'gcm.time_to_live',
    );
  });

  it('requires a notification title and icon when there is a notification', () => {
    fails('a', { gcm: { notification: { icon: 'i' } } }, 'Notification title is a required field');
    fails(
      'a',
      { gcm: { notification: { title: '', icon: 'i' } } },
      'Notification title is a required field',
    );
    fails('a', { gcm: { notification: { title: 't' } } }, 'Notification icon is a required field');
    fails(
      'a',
      { gcm: { notification: { title: 't', icon: '' } } },
      'Notification icon is a required field',
    );
    fails('a', { gcm: { notification: 'x' } }, 'Notification title is a required field');
    expect(() => buildNotificationBody('a', { gcm: { data: { k: 'v' } } })).not.toThrow();
  });

  it.each([['https://example.com/hook'], ['http://localhost:3000/x?y=1']])(
    'accepts webhook_url %s',
    (url) => {
      expect(() => buildNotificationBody('a', { ...GCM, webhook_url: url })).not.toThrow();
    },
  );

  it.each([
    ['ftp://example.com'],
    ['example.com'],
    ['https://'],
    ['https://exa mple.com'],
    [42],
    [null],
  ])('refuses webhook_url %j', (url) => {
    fails('a', { ...GCM, webhook_url: url }, 'Webhook url is invalid', 'webhook_url');
  });

  it('checks webhook_level: needs webhook_url, INFO or DEBUG in any case', () => {
    fails(
      'a',
      { ...GCM, webhook_level: 'INFO' },
      'Webhook level cannot be used without a webhook url',
    );
    const url = 'https://example.com/hook';
    for (const level of ['INFO', 'DEBUG', 'info', 'Debug']) {
      expect(
        JSON.parse(buildNotificationBody('a', { ...GCM, webhook_url: url, webhook_level: level })),
      ).toMatchObject({ webhook_level: level });
    }
    fails(
      'a',
      { ...GCM, webhook_url: url, webhook_level: 'WARN' },
      'Webhook level must either be INFO or DEBUG',
    );
    fails(
      'a',
      { ...GCM, webhook_url: url, webhook_level: 1 },
      'Webhook level must either be INFO or DEBUG',
    );
  });

  it('refuses payloads that are not JSON objects', () => {
    fails('a', null, 'Notification payload must be an object', 'payload');
    fails('a', [GCM], 'Notification payload must be an object');
    const cyclic: Record<string, unknown> = { apns: {} };
    cyclic['self'] = cyclic;
    expect(() => buildNotificationBody('a', cyclic as NotificationPayload)).toThrow(
      /not JSON-serializable/,
    );
    expect(() => buildNotificationBody('a', { apns: { n: 1n } })).toThrow(ValidationError);
  });

  it('refuses NaN and Infinity instead of sending them as null', () => {
    fails(
      'a',
      { gcm: { time_to_live: Number.POSITIVE_INFINITY } },
      "Notification payload field 'time_to_live' is Infinity",
    );
    fails(
      'a',
      { apns: { badge: Number.NaN } },
      "Notification payload field 'badge' is NaN",
      'badge',
    );
  });

  it('never changes the caller object', () => {
    const payload: NotificationPayload = {
      gcm: {
        to: 'device',
        registration_ids: ['r1'],
        time_to_live: 60,
        notification: { title: 'T', icon: 'I', extra: { deep: [1, { x: 2 }] } },
      },
      apns: { aps: { alert: { title: 'T' } } },
      webhook_url: 'https://example.com',
      webhook_level: 'debug',
    };
    const interests = ['one'];
    const clone = structuredClone(payload);
    const body = JSON.parse(buildNotificationBody(interests, payload));
    expect(payload).toEqual(clone);
    expect(interests).toEqual(['one']);
    expect(body.gcm.to).toBeUndefined();
    body.gcm.notification.extra.deep[1].x = 3;
    expect(payload).toEqual(clone);
    const failing = structuredClone(clone);
    failing.webhook_level = 'nope';
    const before = structuredClone(failing);
    expect(() => buildNotificationBody('a', failing)).toThrow(ValidationError);
    expect(failing).toEqual(before);
  });
});

describe('checkNotificationBody (the rules on receipt, as @pushwire/server applies them)', () => {
  it('accepts what buildNotificationBody sends and strips the keys the service sets', () => {
    const sent = JSON.parse(
      buildNotificationBody('a', { gcm: { to: 'x', registration_ids: ['y'], priority: 'high' } }),
    );
    expect(checkNotificationBody(sent)).toEqual({ gcm: { priority: 'high' }, interests: ['a'] });
  });

  it.each([
    [{ interests: 'a', apns: {} }, 'interests', /array of strings/],
    [{ interests: ['a', 'b'], apns: {} }, 'interests', /Too many interests/],
    [{ interests: [] }, 'payload', /GCM or APNS data must be provided/],
    [{ apns: 'x' }, 'apns', /APNS data must be an object/],
    [{ gcm: { time_to_live: 241_921 } }, 'gcm.time_to_live', /between 0 and 241920/],
  ])('refuses %j', (body, field, message) => {
    expect(() => checkNotificationBody(body)).toThrow(message);
    try {
      checkNotificationBody(body);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
  });
});
