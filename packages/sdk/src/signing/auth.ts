/**
 * @module signing/auth
 * Authorization strings for private, presence and encrypted channels and for user sign-in, and the
 * per-channel shared secret of end-to-end encrypted channels.
 * @see https://pusher.com/docs/channels/library_auth_reference/auth-signatures/
 */
import { bytesToBase64, utf8Encode } from '../crypto/encoding';
import { hmacSha256Hex } from '../crypto/hmac';
import { sha256 } from '../crypto/sha256';

export interface ChannelAuthInput {
  readonly key: string;
  readonly secret: string;
  readonly socketId: string;
  readonly channel: string;
  /** Presence channels: the exact `channel_data` JSON string that is also sent to the client. */
  readonly channelData?: string;
}

/** `key:hex(HMAC(secret, socket_id:channel[:channel_data]))`. */
export function channelAuthSignature(input: ChannelAuthInput): string {
  const subject =
    input.channelData === undefined
      ? `${input.socketId}:${input.channel}`
      : `${input.socketId}:${input.channel}:${input.channelData}`;
  return `${input.key}:${hmacSha256Hex(input.secret, subject)}`;
}

export interface UserAuthInput {
  readonly key: string;
  readonly secret: string;
  readonly socketId: string;
  /** The exact `user_data` JSON string that is also sent to the client. */
  readonly userData: string;
}

/** `key:hex(HMAC(secret, socket_id::user::user_data))`. */
export function userAuthSignature(input: UserAuthInput): string {
  return `${input.key}:${hmacSha256Hex(input.secret, `${input.socketId}::user::${input.userData}`)}`;
}

/** base64(SHA-256(utf8(channel) ‖ masterKey)): the key of a `private-encrypted-*` channel. */
export function sharedSecretFor(channel: string, masterKey: Uint8Array): string {
  return bytesToBase64(sharedSecretBytes(channel, masterKey));
}

/** The raw 32-byte per-channel key (what secretbox uses). */
export function sharedSecretBytes(channel: string, masterKey: Uint8Array): Uint8Array {
  const name = utf8Encode(channel);
  const input = new Uint8Array(name.length + masterKey.length);
  input.set(name);
  input.set(masterKey, name.length);
  return sha256(input);
}
