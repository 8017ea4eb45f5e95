/**
 * @module http/notifications-route
 * A stand-in for the legacy native push service (`POST /server_api/v1/apps/{id}/notifications`,
 * as the Ruby gem v1.2.0.rc2 called it). Payloads are validated with that gem's rules, never sent
 * anywhere, and kept in memory per app (the newest {@link MAX_RECORDED_NOTIFICATIONS}) so tests
 * and demos can read them back with a signed `GET` on the same path.
 */
import { randomUUID } from 'node:crypto';
import { isPlainObject } from '../util/is-plain-object';
import type { ApiRequest, ApiResponse } from './context';
import { parseJsonObject } from './event-input';
import { badRequest } from './http-status-error';

/** Notifications kept per app; older ones are forgotten. */
export const MAX_RECORDED_NOTIFICATIONS = 100;
/** Most interests in one notification (the rc2 rule; zero is allowed). */
const MAX_INTERESTS = 1;
/** Longest GCM `time_to_live`, in seconds (4 weeks). */
const GCM_MAX_TIME_TO_LIVE_SEC = 241_920;
const WEBHOOK_LEVELS = new Set(['INFO', 'DEBUG']);

/** One accepted notification as `GET` returns it. */
export interface RecordedNotification {
  readonly id: string;
  readonly received_at_ms: number;
  readonly payload: Record<string, unknown>;
}

function isNonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Applies the rc2 rules; returns the payload to record (GCM `to`/`registration_ids` removed). */
export function validateNotification(payload: Record<string, unknown>): Record<string, unknown> {
  const interests = payload['interests'];
  if (interests !== undefined) {
    if (!Array.isArray(interests) || !interests.every((interest) => typeof interest === 'string')) {
      throw badRequest('interests must be an array of strings');
    }
    if (interests.length > MAX_INTERESTS) throw badRequest('Too many interests provided');
  }
  if (!('apns' in payload) && !('gcm' in payload)) {
    throw badRequest('GCM or APNS data must be provided');
  }
  const result: Record<string, unknown> = { ...payload };
  if ('gcm' in payload) {
    const gcm = payload['gcm'];
    if (!isPlainObject(gcm)) throw badRequest('gcm must be an object');
    const { to: _to, registration_ids: _ids, ...kept } = gcm;
    if ('time_to_live' in kept) {
      const ttl = kept['time_to_live'];
      if (
        typeof ttl !== 'number' ||
        !Number.isInteger(ttl) ||
        ttl < 0 ||
        ttl > GCM_MAX_TIME_TO_LIVE_SEC
      ) {
        throw badRequest(
          `Time to live must be between 0 and ${GCM_MAX_TIME_TO_LIVE_SEC} (4 weeks)`,
        );
      }
    }
    const notification = kept['notification'];
    if (notification !== undefined && notification !== null) {
      const fields = isPlainObject(notification) ? notification : {};
      if (!isNonEmptyString(fields['title']))
        throw badRequest('Notification title is a required field');
      if (!isNonEmptyString(fields['icon']))
        throw badRequest('Notification icon is a required field');
    }
    result['gcm'] = kept;
  }
  if ('apns' in payload && !isPlainObject(payload['apns']))
    throw badRequest('apns must be an object');
  if ('webhook_url' in payload && !isHttpUrl(payload['webhook_url'])) {
    throw badRequest('Webhook url is invalid');
  }
  if ('webhook_level' in payload) {
    if (!('webhook_url' in payload)) {
      throw badRequest('Webhook level cannot be used without a webhook url');
    }
    const level = payload['webhook_level'];
    if (typeof level !== 'string' || !WEBHOOK_LEVELS.has(level.toUpperCase())) {
      throw badRequest('Webhook level must either be INFO or DEBUG');
    }
  }
  return result;
}

/** Accepted notifications per app id, newest last. */
export class NotificationLog {
  readonly #byApp = new Map<string, RecordedNotification[]>();

  record(appId: string, payload: Record<string, unknown>): RecordedNotification {
    const entry: RecordedNotification = { id: randomUUID(), received_at_ms: Date.now(), payload };
    let list = this.#byApp.get(appId);
    if (list === undefined) {
      list = [];
      this.#byApp.set(appId, list);
    }
    list.push(entry);
    if (list.length > MAX_RECORDED_NOTIFICATIONS) list.shift();
    return entry;
  }

  list(appId: string): readonly RecordedNotification[] {
    return this.#byApp.get(appId) ?? [];
  }
}

/** `POST /server_api/v1/apps/{id}/notifications` → 202 `{"id": "<uuid>"}`. */
export function acceptNotification(log: NotificationLog, request: ApiRequest): ApiResponse {
  const payload = validateNotification(parseJsonObject(request.body));
  const entry = log.record(request.app.id, payload);
  return { status: 202, body: { id: entry.id } };
}

/** `GET /server_api/v1/apps/{id}/notifications` → 200 `{"notifications": [...]}`. */
export function listNotifications(log: NotificationLog, request: ApiRequest): ApiResponse {
  return { status: 200, body: { notifications: log.list(request.app.id) } };
}
