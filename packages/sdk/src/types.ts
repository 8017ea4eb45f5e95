/**
 * @module types
 * Typed results of the REST API and the argument shapes of the publishing methods.
 * @see https://pusher.com/docs/channels/library_auth_reference/rest-api/
 */

/** Attributes the API can return for a channel when asked with `info`. */
export type InfoAttribute = 'user_count' | 'subscription_count' | 'cache' | (string & {});

/**
 * Attributes to ask for: the API's comma-separated string (`'user_count,subscription_count'`) or
 * an array of names.
 */
export type InfoOption = string | readonly InfoAttribute[];

/** Per-channel attributes in trigger responses. */
export interface ChannelAttributes {
  /** Presence channels only: distinct users. */
  readonly user_count?: number;
  /** Non-presence channels (enable it in the app settings): connections subscribed. */
  readonly subscription_count?: number;
}

/** Result of `trigger()`: `{}` unless `info` was asked for. */
export interface TriggerResult {
  readonly channels?: Readonly<Record<string, ChannelAttributes>>;
}

/** Result of `triggerBatch()`: with `info`, `batch[i]` belongs to event `i` of the request. */
export interface BatchTriggerResult {
  readonly batch?: readonly ChannelAttributes[];
}

/** Result of `channels()` (GET /channels). */
export interface ChannelsResult {
  readonly channels: Readonly<Record<string, { readonly user_count?: number }>>;
}

/**
 * The `cache` attribute of a cache channel (GET /channels/:name with `info=cache`): the data of
 * the last event published on it and the seconds it stays cached. The event name is not part of
 * it.
 */
export interface CachedEvent {
  readonly data: string;
  /** Seconds left before the cached event expires. */
  readonly ttl: number;
}

/** Result of `channelInfo()` (GET /channels/:name). */
export interface ChannelInfo {
  readonly occupied: boolean;
  readonly user_count?: number;
  readonly subscription_count?: number;
  readonly cache?: CachedEvent;
}

/** Result of `channelUsers()` (GET /channels/:name/users). */
export interface UsersResult {
  readonly users: readonly { readonly id: string }[];
}

/** Options of `trigger()`. */
export interface TriggerOptions {
  /** Exclude this connection (the sender) from receiving the event. */
  readonly socketId?: string;
  /** Attributes of the triggered channels to return (counts as a second message for billing). */
  readonly info?: InfoOption;
}

/** One event of `triggerBatch()`. */
export interface BatchEvent {
  readonly channel: string;
  /** The event name. */
  readonly name: string;
  /** Sent as is when a string, JSON-encoded otherwise. */
  readonly data: unknown;
  readonly socketId?: string;
  readonly info?: InfoOption;
}

/** Options of `channels()`. */
export interface ChannelsOptions {
  /** Only channels whose name starts with this prefix (`filter_by_prefix`). */
  readonly prefix?: string;
  readonly info?: InfoOption;
}

/** Options of `channelInfo()`. */
export interface ChannelInfoOptions {
  readonly info?: InfoOption;
}

/** Query parameters of `get()`. */
export type QueryParams = Readonly<Record<string, string | number | boolean | undefined>>;
