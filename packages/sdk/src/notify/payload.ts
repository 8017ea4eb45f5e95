/**
 * @module notify/payload
 * The body of a native push notification request, with the exact validation of the Ruby gem
 * v1.2.0.rc2 `NativeNotification::Client` (the last release that validated payloads): at most one
 * interest, `apns` or `gcm` required, GCM `to` / `registration_ids` stripped, GCM `time_to_live`
 * within 0..241920 s, GCM notification `title` and `icon` required, `webhook_url` an http(s) URL,
 * `webhook_level` INFO or DEBUG and only with a `webhook_url`. The caller's object is never changed.
 */
import { ValidationError } from '../errors';

/** Longest GCM `time_to_live`, in seconds (4 weeks). */
export const GCM_MAX_TIME_TO_LIVE_SECONDS = 241_920;
/** Most interests one notification may target (the rc2 rule; zero is allowed). */
export const MAX_NOTIFICATION_INTERESTS = 1;
/** GCM keys the service sets itself; they are removed from the payload silently. */
export const RESTRICTED_GCM_KEYS: readonly string[] = Object.freeze(['to', 'registration_ids']);
/** Accepted `webhook_level` values (compared case-insensitively). */
export const WEBHOOK_LEVELS: readonly string[] = Object.freeze(['INFO', 'DEBUG']);

/** A GCM notification block: `title` and `icon` are required when it is present. */
export interface GcmNotification {
  title: string;
  icon: string;
  [key: string]: unknown;
}

/** The `gcm` part of a payload. `to` and `registration_ids` are stripped before sending. */
export interface GcmPayload {
  notification?: GcmNotification;
  /** Seconds, 0..241920. */
  time_to_live?: number;
  [key: string]: unknown;
}

/** A native push payload: at least one of `apns` and `gcm`. */
export interface NotificationPayload {
  apns?: Record<string, unknown>;
  gcm?: GcmPayload;
  /** An http(s) URL that receives delivery reports. */
  webhook_url?: string;
  /** `INFO` (customer-facing errors, the service default) or `DEBUG` (all errors). */
  webhook_level?: 'INFO' | 'DEBUG' | (string & {});
  [key: string]: unknown;
}

type JsonObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON would send NaN and Infinity as null; refuse them instead of changing the payload. */
function rejectNonFiniteNumbers(key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new ValidationError(key || 'payload', `Notification payload field '${key}' is ${value}`);
  }
  return value;
}

/** A deep copy made through JSON, so what is validated is exactly what is sent. */
function jsonCopy(payload: unknown): JsonObject {
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(payload, rejectNonFiniteNumbers) ?? 'null');
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(
      'payload',
      `Notification payload is not JSON-serializable: ${reason}`,
    );
  }
  if (!isPlainObject(copy)) {
    throw new ValidationError('payload', 'Notification payload must be an object');
  }
  return copy;
}

/** Ruby's `String#to_i` / `Integer#to_i`: the leading integer, 0 when there is none. */
function rubyToInteger(value: unknown): number {
  if (value === null) return 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : Number.NaN;
  if (typeof value === 'string') {
    const match = /^\s*([+-]?\d+)/.exec(value.replaceAll('_', ''));
    return match ? Number.parseInt(match[1]!, 10) : 0;
  }
  return Number.NaN;
}

function isNonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string' || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

function validateGcm(gcm: JsonObject): void {
  for (const key of RESTRICTED_GCM_KEYS) delete gcm[key];
  if ('time_to_live' in gcm) {
    const ttl = rubyToInteger(gcm['time_to_live']);
    if (!(ttl >= 0 && ttl <= GCM_MAX_TIME_TO_LIVE_SECONDS)) {
      throw new ValidationError(
        'gcm.time_to_live',
        `Time to live must be between 0 and ${GCM_MAX_TIME_TO_LIVE_SECONDS} (4 weeks)`,
        GCM_MAX_TIME_TO_LIVE_SECONDS,
      );
    }
  }
  const notification = gcm['notification'];
  if (notification === undefined || notification === null) return;
  const fields = isPlainObject(notification) ? notification : {};
  if (!isNonEmptyString(fields['title'])) {
    throw new ValidationError('gcm.notification.title', 'Notification title is a required field');
  }
  if (!isNonEmptyString(fields['icon'])) {
    throw new ValidationError('gcm.notification.icon', 'Notification icon is a required field');
  }
}

function validatePayload(data: JsonObject): void {
  if (!('apns' in data) && !('gcm' in data)) {
    throw new ValidationError('payload', 'GCM or APNS data must be provided');
  }
  if ('apns' in data && !isPlainObject(data['apns'])) {
    throw new ValidationError('apns', 'APNS data must be an object');
  }
  const gcm = data['gcm'];
  if ('gcm' in data) {
    if (!isPlainObject(gcm)) throw new ValidationError('gcm', 'GCM data must be an object');
    validateGcm(gcm);
  }
  if ('webhook_url' in data && !isHttpUrl(data['webhook_url'])) {
    throw new ValidationError('webhook_url', 'Webhook url is invalid');
  }
  if ('webhook_level' in data) {
    if (!('webhook_url' in data)) {
      throw new ValidationError(
        'webhook_level',
        'Webhook level cannot be used without a webhook url',
      );
    }
    const level = data['webhook_level'];
    if (typeof level !== 'string' || !WEBHOOK_LEVELS.includes(level.toUpperCase())) {
      throw new ValidationError('webhook_level', 'Webhook level must either be INFO or DEBUG');
    }
  }
}

function normalizeInterests(interests: string | readonly string[]): string[] {
  if (typeof interests === 'string') return [interests];
  if (!Array.isArray(interests)) {
    throw new ValidationError('interests', 'Interests must be a string or an array of strings');
  }
  return interests.map((interest) => String(interest));
}

/**
 * The JSON body of a native push request: a validated deep copy of `payload` with `interests`
 * appended. Throws a ValidationError with the gem's message when a rule is broken.
 */
export function buildNotificationBody(
  interests: string | readonly string[],
  payload: NotificationPayload,
): string {
  const list = normalizeInterests(interests);
  if (list.length > MAX_NOTIFICATION_INTERESTS) {
    throw new ValidationError(
      'interests',
      'Too many interests provided',
      MAX_NOTIFICATION_INTERESTS,
    );
  }
  const data = jsonCopy(payload);
  validatePayload(data);
  data['interests'] = list;
  return JSON.stringify(data);
}

/**
 * The rules of {@link buildNotificationBody} applied to a body as a server receives it (`interests`
 * an array of at most one string, then the payload rules): the one copy of the native push rules,
 * used by the SDK before sending and by `@pushwire/server` on receipt. Returns the body to record,
 * GCM's `to` and `registration_ids` removed; throws a ValidationError with the gem's message.
 */
export function checkNotificationBody(body: Readonly<Record<string, unknown>>): JsonObject {
  const interests = body['interests'];
  if (interests !== undefined) {
    if (!Array.isArray(interests) || !interests.every((interest) => typeof interest === 'string')) {
      throw new ValidationError('interests', 'Interests must be an array of strings');
    }
    if (interests.length > MAX_NOTIFICATION_INTERESTS) {
      throw new ValidationError(
        'interests',
        'Too many interests provided',
        MAX_NOTIFICATION_INTERESTS,
      );
    }
  }
  const data = jsonCopy(body);
  validatePayload(data);
  return data;
}
