/**
 * @module protocol/close-codes
 * Every Pusher close / error code the server sends, with the reconnect behaviour that pusher-js
 * attaches to its band (Pusher WebSocket protocol, "Error Codes"). 4000-4099: do not reconnect;
 * 4100-4199: reconnect after backing off; 4200-4299: reconnect at once; 4300-4399: informational,
 * only ever sent inside a `pusher:error` frame, never as a close code.
 */

export const CloseCode = Object.freeze({
  /** The app exists but is disabled (4000 band: the client gives up). */
  AppDisabled: 4003,
  /** No app has the key in `/app/{key}` (4000 band: the client gives up). */
  AppNotFound: 4001,
  /** The app's `maxConnections` is reached (4000 band: the client gives up). */
  OverConnectionQuota: 4004,
  /** The client asked for a protocol version below 5 (4000 band). */
  UnsupportedProtocol: 4007,
  /**
   * Unauthorized connection: origin not allowed, failed signin, terminated user, or no
   * authentication within the deadline when `requireUserAuthentication` is set (4000 band).
   */
  Unauthorized: 4009,
  /** The socket could not keep up (its send buffer stayed over `maxBufferedBytes`) (4100 band: back off). */
  OverCapacity: 4100,
  /** Generic "reconnect now", sent on graceful shutdown (4200 band: reconnect immediately). */
  Reconnect: 4200,
  /** The client did not answer our `pusher:ping` in time (4200 band: reconnect immediately). */
  PongTimeout: 4201,
  /** Client event refused: disabled, rate limited, too large, wrong channel (error frame only). */
  ClientEventRejected: 4301,
  /** The sign-in's watchlist names more than 100 user ids; only the first 100 count (error frame only). */
  WatchlistLimitExceeded: 4302,
} as const);

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * The `status` of a `pusher:subscription_error` for a subscription refused by a rule (Pusher's and
 * soketi's codes; a failed signature uses the HTTP-like 401 instead).
 */
export const SubscriptionStatus = Object.freeze({
  /** A presence channel is full, or the connection holds its maximum of channels. */
  LimitReached: 4100,
  /** A presence member's `user_id` or `user_info` is over its limit. */
  MemberTooLarge: 4301,
  /** The channel name is not valid. */
  InvalidChannel: 4009,
} as const);

/** WebSocket close code for a frame larger than the limit (RFC 6455 "Message Too Big"). */
export const WS_CLOSE_MESSAGE_TOO_BIG = 1009;
