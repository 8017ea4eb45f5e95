/**
 * @module test/watchlist-helpers
 * Watchlist tests: real pusher-js clients that sign in with a `watchlist` (through the testing
 * module's options) and record what `pusher.user.watchlist` emits, raw clients that sign in with
 * one, and the exact frames.
 */
import Pusher from 'pusher-js';
import { onTestFinished } from 'vitest';
import { pusherJsOptions } from '../src/testing/pusher-js-client';
import { APP, connect, type RawClient } from './ws-helpers';

/** One `online` / `offline` event as pusher-js hands it to `pusher.user.watchlist` listeners. */
export interface SeenWatchlistEvent {
  readonly bound: 'online' | 'offline';
  readonly event: unknown;
}

export interface WatchingClient {
  readonly client: Pusher;
  /** Every watchlist event received, in order. */
  readonly seen: SeenWatchlistEvent[];
  /** The user ids named by the `bound` events received so far, in order. */
  ids(bound: 'online' | 'offline'): string[];
}

/** A pusher-js client on `port` that signs in as `id` with `watchlist` and records its events. */
export function watchingClient(
  port: number,
  id: string,
  watchlist?: readonly string[],
): WatchingClient {
  const client = new Pusher(
    APP.key,
    pusherJsOptions(
      { key: APP.key, secret: APP.secret, masterKey: new Uint8Array(32), host: '127.0.0.1', port },
      { user: { id, ...(watchlist === undefined ? {} : { watchlist }) } },
    ),
  );
  onTestFinished(() => client.disconnect());
  const seen: SeenWatchlistEvent[] = [];
  for (const bound of ['online', 'offline'] as const) {
    client.user.watchlist.bind(bound, (event: unknown) => seen.push({ bound, event }));
  }
  client.signin();
  return {
    client,
    seen,
    ids: (bound) =>
      seen
        .filter((entry) => entry.bound === bound)
        .flatMap((entry) => (entry.event as { user_ids: string[] }).user_ids),
  };
}

/** Resolves once pusher-js signed in (signin_success handled). */
export async function signedIn(watching: WatchingClient): Promise<void> {
  const user = watching.client.user;
  await user.signinDonePromise;
  if (user.user_data === null) throw new Error('pusher-js sign-in failed');
}

/** The exact `pusher_internal:watchlist_events` frame text for one event. */
export function watchlistFrame(name: 'online' | 'offline', userIds: readonly string[]): string {
  const data = JSON.stringify({ events: [{ name, user_ids: userIds }] });
  return JSON.stringify({ event: 'pusher_internal:watchlist_events', data });
}

/** The `user_data` of a sign-in as `id`, with `watchlist` when given (any value, to test bad ones). */
export function userData(id: string, watchlist?: unknown): string {
  return JSON.stringify({ id, ...(watchlist === undefined ? {} : { watchlist }) });
}

/** A raw client on `url` signed in as `id` (with `watchlist`), once signin_success arrived. */
export async function signedInClient(
  url: string,
  id: string,
  watchlist?: unknown,
): Promise<RawClient> {
  const client = await connect(url);
  await client.signin(userData(id, watchlist));
  await client.event('pusher:signin_success');
  return client;
}

/** The `pusher_internal:watchlist_events` frames `client` received, as text. */
export function watchlistTexts(client: RawClient): string[] {
  return client.texts.filter((text) => text.includes('"pusher_internal:watchlist_events"'));
}
