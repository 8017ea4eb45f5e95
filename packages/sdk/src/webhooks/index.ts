/**
 * @module webhooks
 * Webhook verification and typed events.
 */
export { WebhookError, type WebhookErrorReason } from './errors';
export {
  type CacheMissEvent,
  type ChannelOccupiedEvent,
  type ChannelVacatedEvent,
  type ClientEvent,
  type MemberAddedEvent,
  type MemberRemovedEvent,
  parseWebhookPayload,
  type SubscriptionCountEvent,
  type UnknownWebhookEvent,
  type WebhookEvent,
  type WebhookEventName,
  type WebhookPayload,
} from './events';
export { webhookFromRequest } from './from-request';
export { isJsonContentType, readHeader } from './headers';
export {
  Webhook,
  type WebhookContext,
  type WebhookInput,
  type WebhookToken,
  type WebhookVerifyOptions,
} from './webhook';
