/**
 * @module limits
 * The Pusher Channels limits the SDK checks before sending, with Pusher's defaults. Every limit
 * can be overridden per client for self-hosted servers and dedicated clusters.
 */

export interface Limits {
  /** Longest channel name, in characters. Pusher documents 164. @default 164 */
  readonly maxChannelNameLength: number;
  /** Longest event name, in characters. @default 200 */
  readonly maxEventNameLength: number;
  /** Most channels in one trigger. @default 100 */
  readonly maxChannelsPerTrigger: number;
  /** Most events in one batch trigger. @default 10 */
  readonly maxBatchEvents: number;
  /** Largest event `data`, in UTF-8 bytes of the string sent (after encryption). @default 10240 */
  readonly maxEventDataBytes: number;
  /** Longest user id (user authentication, presence, sendToUser), in characters. @default 128 */
  readonly maxUserIdLength: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxChannelNameLength: 164,
  maxEventNameLength: 200,
  maxChannelsPerTrigger: 100,
  maxBatchEvents: 10,
  maxEventDataBytes: 10_240,
  maxUserIdLength: 128,
});
