/**
 * @module http/notifications-route
 * A stand-in for the legacy native push service (`POST /server_api/v1/apps/{id}/notifications`,
 * as the Ruby gem v1.2.0.rc2 called it). Payloads are validated with that gem's rules, never sent
 * anywhere, and kept in memory per app (the newest {@link MAX_RECORDED_NOTIFICATIONS}) so tests
 * and demos can read them back with a signed `GET` on the same path.
 */
import { randomUUID } from 'node:crypto';
import { checkNotificationBody, ValidationError } from '@pushwire/sdk';
import type { ApiRequest, ApiResponse } from './api-request';
import { parseJsonObject } from './event-input';
import { badRequest } from './http-status-error';

/** Notifications kept per app; older ones are forgotten. */
export const MAX_RECORDED_NOTIFICATIONS = 100;

/** One accepted notification as `GET` returns it. */
export interface RecordedNotification {
  readonly id: string;
  readonly received_at_ms: number;
  readonly payload: Record<string, unknown>;
}

/**
 * Applies the native push rules (the SDK's {@link checkNotificationBody}, the one copy of them);
 * returns the payload to record (GCM `to`/`registration_ids` removed). A broken rule is a 400 with
 * the gem's message.
 */
export function validateNotification(payload: Record<string, unknown>): Record<string, unknown> {
  try {
    return checkNotificationBody(payload);
  } catch (error) {
    if (error instanceof ValidationError) throw badRequest(error.message);
    throw error;
  }
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
