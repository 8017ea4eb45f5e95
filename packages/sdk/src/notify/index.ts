/**
 * @module notify
 * Native push notifications (the Ruby gem v1.2.0.rc2 behaviour).
 */
export {
  buildNotificationBody,
  GCM_MAX_TIME_TO_LIVE_SECONDS,
  type GcmNotification,
  type GcmPayload,
  MAX_NOTIFICATION_INTERESTS,
  type NotificationPayload,
  RESTRICTED_GCM_KEYS,
  WEBHOOK_LEVELS,
} from './payload';
