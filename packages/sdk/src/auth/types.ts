/**
 * @module auth/types
 * Inputs and results of channel authorization and user authentication.
 * @see https://pusher.com/docs/channels/library_auth_reference/auth-signatures/
 */
import type { Limits } from '../limits';

/** What the auth functions need from the client: credentials, the master key and the limits. */
export interface AuthContext {
  key: string;
  secret: string;
  /** The 32-byte end-to-end encryption master key; needed for `private-encrypted-*` channels. */
  masterKey?: Uint8Array;
  limits: Limits;
}

/** The member a presence channel authorization is for; `user_id` is required and non-empty. */
export interface PresenceData {
  user_id: string | number;
  user_info?: unknown;
}

/** The JSON a channel authorization endpoint returns to pusher-js. */
export interface ChannelAuthResponse {
  auth: string;
  /** Presence channels: the exact JSON string that was signed. */
  channel_data?: string;
  /** `private-encrypted-*` channels: base64 of the channel's 32-byte secretbox key. */
  shared_secret?: string;
}

/** The signed-in user; `id` is required, `watchlist` lists user ids to watch. */
export interface UserData {
  id: string;
  watchlist?: string[];
  [key: string]: unknown;
}

/** The JSON a user authentication (sign-in) endpoint returns to pusher-js. */
export interface UserAuthResponse {
  auth: string;
  user_data: string;
}
