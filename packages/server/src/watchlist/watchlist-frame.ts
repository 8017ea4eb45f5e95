/**
 * @module watchlist/watchlist-frame
 * `pusher_internal:watchlist_events`, the one frame of watchlist events: no channel, `data` a JSON
 * string (as every `pusher_internal:` event's) of `{"events":[{"name":"online"|"offline",
 * "user_ids":[...]}]}`. pusher-js decodes it and emits each entry on `pusher.user.watchlist` under
 * its `name`, with the entry itself (`user_ids`, `name`) as the argument.
 */

export type OnlineStatus = 'online' | 'offline';

export interface WatchlistEvent {
  readonly name: OnlineStatus;
  readonly userIds: readonly string[];
}

export const WATCHLIST_EVENTS = 'pusher_internal:watchlist_events';

export function watchlistEventsFrame(events: readonly WatchlistEvent[]): string {
  const data = JSON.stringify({
    events: events.map((event) => ({ name: event.name, user_ids: event.userIds })),
  });
  return JSON.stringify({ event: WATCHLIST_EVENTS, data });
}

/** The single status change carried by a frame made by {@link watchlistEventsFrame}. */
export function statusOfFrame(frame: string): OnlineStatus | undefined {
  try {
    const data = JSON.parse((JSON.parse(frame) as { data: string }).data) as {
      events?: { name?: unknown }[];
    };
    const name = data.events?.[0]?.name;
    return name === 'online' || name === 'offline' ? name : undefined;
  } catch {
    return undefined;
  }
}
