/**
 * @module e2e/helpers/pusher-js-client
 * The official pusher-js client (its Node build) pointed at a local server, with channel
 * authorization and user authentication answered by our SDK in custom handlers, as an app's
 * auth endpoint would.
 */
import type { Pusher as Sdk } from '@pushwire/sdk';
import { waitFor } from '@pushwire/test-support';
import PusherJs from 'pusher-js';

export type PusherJsClient = InstanceType<typeof PusherJs>;
export type PusherJsChannel = ReturnType<PusherJsClient['subscribe']>;

export interface ClientOptions {
  readonly port: number;
  readonly key: string;
  /** Signs private/presence subscriptions and sign-in, like an auth endpoint. */
  readonly sdk: Sdk;
  /** The presence member (and signed-in user) this client is. */
  readonly user?: { readonly id: string; readonly info?: Record<string, unknown> };
}

/** Connect a pusher-js client and resolve once it is connected. */
export async function connectClient(options: ClientOptions): Promise<PusherJsClient> {
  const { sdk, user } = options;
  const client = new PusherJs(options.key, {
    wsHost: '127.0.0.1',
    wsPort: options.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    cluster: 'mt1',
    disableStats: true,
    channelAuthorization: {
      transport: 'ajax',
      endpoint: '/unused',
      customHandler: ({ socketId, channelName }, callback) => {
        try {
          const presence =
            channelName.startsWith('presence-') && user !== undefined
              ? { user_id: user.id, user_info: user.info ?? {} }
              : undefined;
          callback(null, sdk.authorizeChannel(socketId, channelName, presence));
        } catch (error) {
          callback(error instanceof Error ? error : new Error(String(error)), null);
        }
      },
    },
  });
  await waitFor<void>('pusher-js to connect', (resolve, reject) => {
    client.connection.bind('connected', () => resolve());
    client.connection.bind('failed', () => reject(new Error('pusher-js connection failed')));
  });
  return client;
}

/** Subscribe and resolve once `pusher:subscription_succeeded` arrives. */
export function subscribe(client: PusherJsClient, channelName: string): Promise<PusherJsChannel> {
  const channel = client.subscribe(channelName);
  return waitFor(`subscription to ${channelName}`, (resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', () => resolve(channel));
    channel.bind('pusher:subscription_error', (error: unknown) =>
      reject(new Error(`subscription to ${channelName} failed: ${JSON.stringify(error)}`)),
    );
  });
}

/** Resolve with the data of the next `event` on `channel`. */
export function nextEvent(channel: PusherJsChannel, event: string): Promise<unknown> {
  return waitFor(`"${event}" on ${channel.name}`, (resolve) => {
    const handler = (data: unknown): void => {
      channel.unbind(event, handler);
      resolve(data);
    };
    channel.bind(event, handler);
  });
}
