/**
 * @module webhooks/events
 * The webhook events the server sends, with Pusher's exact payload fields: `data` and `user_id`
 * are always strings (pusher-http-go decodes them into `string` fields).
 * @see https://pusher.com/docs/channels/server_api/webhooks/
 */

/** `channel_occupied`: the first connection subscribed to the channel, cluster-wide. */
export interface ChannelOccupiedEvent {
  readonly name: 'channel_occupied';
  readonly channel: string;
}

/** `channel_vacated`: the last connection left the channel (sent after the vacate delay). */
export interface ChannelVacatedEvent {
  readonly name: 'channel_vacated';
  readonly channel: string;
}

/** `member_added`: a user's first connection joined a presence channel. */
export interface MemberAddedEvent {
  readonly name: 'member_added';
  readonly channel: string;
  readonly user_id: string;
}

/** `member_removed`: a user's last connection left a presence channel (after the delay). */
export interface MemberRemovedEvent {
  readonly name: 'member_removed';
  readonly channel: string;
  readonly user_id: string;
}

/** `client_event`: a client sent a `client-*` event; `user_id` is set on presence channels. */
export interface ClientEventEvent {
  readonly name: 'client_event';
  readonly channel: string;
  readonly event: string;
  /** The event's data exactly as the client sent it, as a string. */
  readonly data: string;
  readonly socket_id: string;
  readonly user_id?: string;
}

/** `cache_miss`: a client subscribed to a cache channel that has no cached event (deduplicated). */
export interface CacheMissEvent {
  readonly name: 'cache_miss';
  readonly channel: string;
}

/** `subscription_count`: the number of connections subscribed to a non-presence channel changed. */
export interface SubscriptionCountEvent {
  readonly name: 'subscription_count';
  readonly channel: string;
  readonly subscription_count: number;
}

/** Any webhook event; `name` tells which. Serialized as is into the `events` array. */
export type ServerWebhookEvent =
  | ChannelOccupiedEvent
  | ChannelVacatedEvent
  | MemberAddedEvent
  | MemberRemovedEvent
  | ClientEventEvent
  | CacheMissEvent
  | SubscriptionCountEvent;

/** The JSON body of one webhook POST. */
export interface WebhookBody {
  /** Unix time in milliseconds when the POST was first built (unchanged on retries). */
  readonly time_ms: number;
  readonly events: readonly ServerWebhookEvent[];
}
