/**
 * @module test/conformance-helpers
 * Real pusher-js clients (the Node build) wired to a test server, with channel authorization and
 * user authentication done by custom handlers that sign with `@pushwire/sdk`, plus the official
 * `pusher` server SDK pointed at the same server.
 */

import {
  base64ToBytes,
  channelAuthSignature,
  sharedSecretFor,
  userAuthSignature,
} from '@pushwire/sdk';
import PusherServerSdk from 'pusher';
import Pusher from 'pusher-js';
import { onTestFinished } from 'vitest';
import { APP } from './ws-helpers';

/** 32 random-looking bytes, base64: the encryption master key shared by SDK and client auth. */
export const MASTER_KEY_BASE64 = 'bG9jYWwtdGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGVzISE=';
const MASTER_KEY = base64ToBytes(MASTER_KEY_BASE64) ?? new Uint8Array(32);

export interface ClientIdentity {
  /** Presence `channel_data` member. */
  readonly userId?: string;
  readonly userInfo?: Record<string, unknown>;
  /** Include `channel_data` in presence auth even when signed in. @default true */
  readonly presenceChannelData?: boolean;
}

/** A pusher-js client connected to `port`; disconnected when the test finishes. */
export function pusherClient(port: number, identity: ClientIdentity = {}): Pusher {
  const client = new Pusher(APP.key, {
    wsHost: '127.0.0.1',
    wsPort: port,
    forceTLS: false,
    enabledTransports: ['ws'],
    cluster: 'mt1',
    disableStats: true,
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        const presence = channelName.startsWith('presence-');
        const channelData =
          presence && identity.presenceChannelData !== false
            ? JSON.stringify({
                user_id: identity.userId ?? 'anonymous',
                user_info: identity.userInfo ?? {},
              })
            : undefined;
        const auth = channelAuthSignature({
          key: APP.key,
          secret: APP.secret,
          socketId,
          channel: channelName,
          ...(channelData === undefined ? {} : { channelData }),
        });
        const sharedSecret = channelName.startsWith('private-encrypted-')
          ? sharedSecretFor(channelName, MASTER_KEY)
          : undefined;
        callback(null, {
          auth,
          ...(channelData === undefined ? {} : { channel_data: channelData }),
          ...(sharedSecret === undefined ? {} : { shared_secret: sharedSecret }),
        });
      },
    },
    userAuthentication: {
      customHandler: ({ socketId }, callback) => {
        const userData = JSON.stringify({
          id: identity.userId ?? 'anonymous',
          user_info: identity.userInfo ?? {},
        });
        callback(null, {
          auth: userAuthSignature({ key: APP.key, secret: APP.secret, socketId, userData }),
          user_data: userData,
        });
      },
    },
  });
  onTestFinished(() => client.disconnect());
  return client;
}

/** Resolves when pusher-js reports `connected`. */
export function connected(client: Pusher): Promise<void> {
  if (client.connection.state === 'connected') return Promise.resolve();
  return new Promise((resolve) => client.connection.bind('connected', () => resolve()));
}

/** Resolves with the data of the next `event` on `channelName` (binding before it can arrive). */
export function nextEvent<T = unknown>(
  client: Pusher,
  channelName: string,
  event: string,
): Promise<T> {
  const channel = client.channel(channelName) ?? client.subscribe(channelName);
  return new Promise((resolve) => {
    const handler = (data: T) => {
      channel.unbind(event, handler);
      resolve(data);
    };
    channel.bind(event, handler);
  });
}

/** Subscribes and resolves once `pusher:subscription_succeeded` fired (with its data). */
export function subscribed<T = unknown>(client: Pusher, channelName: string): Promise<T> {
  const channel = client.subscribe(channelName);
  return new Promise((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', (data: T) => resolve(data));
    channel.bind('pusher:subscription_error', (error: unknown) =>
      reject(new Error(`subscription to ${channelName} failed: ${JSON.stringify(error)}`)),
    );
  });
}

/** The official Node server SDK (`pusher` on npm) pointed at the test server. */
export function officialSdk(port: number): PusherServerSdk {
  return new PusherServerSdk({
    appId: APP.id,
    key: APP.key,
    secret: APP.secret,
    host: '127.0.0.1',
    port: String(port),
    useTLS: false,
    encryptionMasterKeyBase64: MASTER_KEY_BASE64,
  });
}
