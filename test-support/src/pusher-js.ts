/**
 * @module test-support/pusher-js
 * Real pusher-js clients (the Node build) for tests: connected to a server on 127.0.0.1 over plain
 * `ws`, with channel authorization and user authentication answered in-process by custom
 * handlers that sign with `@pushwire/sdk` (private, presence, encrypted channels and sign-in work
 * without an auth endpoint), disconnected when the test ends; and waits for their events.
 */
import {
  base64ToBytes,
  channelAuthSignature,
  sharedSecretFor,
  userAuthSignature,
} from '@pushwire/sdk';
import Pusher, { type Channel, type Options } from 'pusher-js';
import { onTestFinished } from 'vitest';
import { waitFor } from './wait';

/** The app a client signs for. */
export interface ClientApp {
  readonly key: string;
  readonly secret: string;
  /** Encryption master key (base64) for `private-encrypted-` channels. */
  readonly masterKeyBase64?: string;
}

export interface ClientIdentity {
  /** Presence `channel_data` member and signed-in user id. @default 'anonymous' */
  readonly userId?: string;
  readonly userInfo?: Record<string, unknown>;
  /** Include `channel_data` in presence auth even when signed in. @default true */
  readonly presenceChannelData?: boolean;
  /** pusher-js options that replace these (e.g. an app's own `channelAuthorization`). */
  readonly pusherOptions?: Partial<Options>;
}

/** A pusher-js client of `app` connecting to `port`; disconnected when the test finishes. */
export function pusherClient(port: number, app: ClientApp, identity: ClientIdentity = {}): Pusher {
  const masterKey =
    app.masterKeyBase64 === undefined ? undefined : base64ToBytes(app.masterKeyBase64);
  const client = new Pusher(app.key, {
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
          key: app.key,
          secret: app.secret,
          socketId,
          channel: channelName,
          ...(channelData === undefined ? {} : { channelData }),
        });
        const sharedSecret =
          channelName.startsWith('private-encrypted-') && masterKey !== undefined
            ? sharedSecretFor(channelName, masterKey)
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
          auth: userAuthSignature({ key: app.key, secret: app.secret, socketId, userData }),
          user_data: userData,
        });
      },
    },
    ...identity.pusherOptions,
  });
  onTestFinished(() => client.disconnect());
  return client;
}

/** Resolves when pusher-js reports `connected`; rejects when it fails. */
export function connected(client: Pusher): Promise<void> {
  if (client.connection.state === 'connected') return Promise.resolve();
  return waitFor('pusher-js to connect', (resolve, reject) => {
    client.connection.bind('connected', () => resolve());
    client.connection.bind('failed', () => reject(new Error('pusher-js connection failed')));
  });
}

/** Subscribes and resolves with the channel and the `pusher:subscription_succeeded` data. */
function subscription<T>(client: Pusher, channelName: string): Promise<[Channel, T]> {
  const channel = client.subscribe(channelName);
  return waitFor(`subscription to ${channelName}`, (resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', (data: T) => resolve([channel, data]));
    channel.bind('pusher:subscription_error', (error: unknown) =>
      reject(new Error(`subscription to ${channelName} failed: ${JSON.stringify(error)}`)),
    );
  });
}

/** Subscribes and resolves with the channel once the server confirmed the subscription. */
export async function subscribe(client: Pusher, channelName: string): Promise<Channel> {
  return (await subscription(client, channelName))[0];
}

/** Subscribes and resolves with the `pusher:subscription_succeeded` data. */
export async function subscribed<T = unknown>(client: Pusher, channelName: string): Promise<T> {
  return (await subscription<T>(client, channelName))[1];
}

/**
 * Resolves with the data of the next `event` on `channelName` (binding before it can arrive). No
 * deadline of its own: it may be created long before it is awaited, and the test's timeout bounds it.
 */
export function nextEvent<T = unknown>(
  client: Pusher,
  channelName: string,
  event: string,
): Promise<T> {
  const channel = client.channel(channelName) ?? client.subscribe(channelName);
  return new Promise<T>((resolve) => {
    const handler = (data: T) => {
      channel.unbind(event, handler);
      resolve(data);
    };
    channel.bind(event, handler);
  });
}
