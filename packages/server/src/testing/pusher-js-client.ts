/**
 * @module testing/pusher-js-client
 * pusher-js for tests: options that point the client at the test server over plain `ws` with
 * channel authorization and user authentication answered in-process (signed with the app secret by
 * `@pushwire/sdk`, so private, presence and encrypted channels and sign-in work without an auth
 * endpoint), and a lazy import of pusher-js, an optional peer dependency, with a clear error when
 * it is missing.
 */
import { channelAuthSignature, sharedSecretFor, userAuthSignature } from '@pushwire/sdk';
import type Pusher from 'pusher-js';
import type { Channel, Options } from 'pusher-js';
import { TestServerError } from './errors';

/** Default deadline of every wait in the testing helpers: below the runners' 5 s test timeout. */
export const DEFAULT_WAIT_MS = 2_000;

/** The user a test client acts as: presence `channel_data` and sign-in `user_data`. */
export interface TestUser {
  /** The user id (a presence member's `user_id`, the signed-in user's `id`). */
  readonly id: string;
  /** Presence `user_info` and sign-in `user_info`. @default {} */
  readonly info?: Readonly<Record<string, unknown>>;
  /** Sign-in `watchlist`. */
  readonly watchlist?: readonly string[];
}

/** Options of `pusherJsOptions()` and `client()`. */
export interface TestClientOptions {
  /** Who the client is. @default a user whose id is the connection's socket id */
  readonly user?: TestUser;
  /**
   * pusher-js options that replace the test server's (e.g. a `channelAuthorization` of your own,
   * to test a refusal through your real auth endpoint).
   */
  readonly pusherOptions?: Partial<Options>;
}

/** What the auth handlers sign with. */
export interface ClientCredentials {
  readonly key: string;
  readonly secret: string;
  readonly masterKey: Uint8Array;
  readonly host: string;
  readonly port: number;
}

/** pusher-js options for the test server (see {@link TestClientOptions}). */
export function pusherJsOptions(
  credentials: ClientCredentials,
  options: TestClientOptions = {},
): Options {
  const { key, secret, masterKey } = credentials;
  const user = options.user;
  return {
    cluster: 'mt1',
    wsHost: credentials.host,
    wsPort: credentials.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        const channelData = channelName.startsWith('presence-')
          ? JSON.stringify({ user_id: user?.id ?? socketId, user_info: user?.info ?? {} })
          : undefined;
        const auth = channelAuthSignature({
          key,
          secret,
          socketId,
          channel: channelName,
          ...(channelData === undefined ? {} : { channelData }),
        });
        callback(null, {
          auth,
          ...(channelData === undefined ? {} : { channel_data: channelData }),
          ...(channelName.startsWith('private-encrypted-')
            ? { shared_secret: sharedSecretFor(channelName, masterKey) }
            : {}),
        });
      },
    },
    userAuthentication: {
      customHandler: ({ socketId }, callback) => {
        const userData = JSON.stringify({
          id: user?.id ?? socketId,
          user_info: user?.info ?? {},
          ...(user?.watchlist === undefined ? {} : { watchlist: user.watchlist }),
        });
        callback(null, {
          auth: userAuthSignature({ key, secret, socketId, userData }),
          user_data: userData,
        });
      },
    },
    ...options.pusherOptions,
  };
}

type PusherConstructor = new (key: string, options: Options) => Pusher;

/** Imports pusher-js. @throws {TestServerError} when it is not installed. */
export async function loadPusherJs(): Promise<PusherConstructor> {
  let module: { default: unknown };
  try {
    module = (await import('pusher-js')) as { default: unknown };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new TestServerError(
        'client() needs pusher-js, an optional peer dependency of @pushwire/server: ' +
          'npm install --save-dev pusher-js',
      );
    }
    throw error;
  }
  let exported: unknown = module.default;
  // Some loaders wrap the CommonJS export once more.
  if (typeof exported !== 'function') {
    exported = (exported as { default?: unknown } | undefined)?.default;
  }
  if (typeof exported !== 'function') {
    throw new TestServerError('pusher-js was found but exports no Pusher constructor');
  }
  return exported as PusherConstructor;
}

/**
 * Resolves once `client` is connected. @throws {TestServerError} when it fails, becomes
 * unavailable or is not connected within `timeoutMs`.
 */
export function whenConnected(client: Pusher, timeoutMs: number): Promise<void> {
  const connection = client.connection;
  if (connection.state === 'connected') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      connection.unbind('state_change', onChange);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onChange = ({ current }: { current: string }) => {
      if (current === 'connected') done();
      else if (current === 'failed' || current === 'unavailable') {
        done(new TestServerError(`The pusher-js client could not connect (state: ${current})`));
      }
    };
    const timer = setTimeout(
      () =>
        done(
          new TestServerError(
            `The pusher-js client was not connected within ${timeoutMs} ms (state: ${connection.state})`,
          ),
        ),
      timeoutMs,
    );
    connection.bind('state_change', onChange);
  });
}

/**
 * Subscribes `client` to `channelName` and resolves with the channel once the server confirmed
 * the subscription (`pusher:subscription_succeeded`), so nothing published after it is missed.
 * @throws {TestServerError} on `pusher:subscription_error` or after `timeoutMs` (default 2000).
 */
export function subscribe(
  client: Pusher,
  channelName: string,
  options: { readonly timeoutMs?: number } = {},
): Promise<Channel> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const channel = client.subscribe(channelName);
  if (channel.subscribed) return Promise.resolve(channel);
  return new Promise<Channel>((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      channel.unbind('pusher:subscription_succeeded', onSucceeded);
      channel.unbind('pusher:subscription_error', onError);
      if (error === undefined) resolve(channel);
      else reject(error);
    };
    const onSucceeded = () => done();
    const onError = (status: unknown) =>
      done(
        new TestServerError(
          `Subscription to ${channelName} failed: ${JSON.stringify(status) ?? String(status)}`,
        ),
      );
    const timer = setTimeout(
      () =>
        done(
          new TestServerError(
            `Subscription to ${channelName} not confirmed within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    channel.bind('pusher:subscription_succeeded', onSucceeded);
    channel.bind('pusher:subscription_error', onError);
  });
}
