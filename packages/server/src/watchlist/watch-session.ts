/**
 * @module watchlist/watch-session
 * One signed-in connection's part in watchlist events (made only for apps with `watchlistEvents`):
 * whether it counts in its user's online roster, the user ids it watches, and, while their initial
 * state is being read, the live changes that arrived meanwhile (held back; they win over the read).
 */

import type { OnlineStatus } from './watchlist-frame';

export class WatchSession {
  /** True while the connection counts in its user's online roster (it must leave it on close). */
  inRoster = false;
  /** The user ids watched, each registered for this connection under its roster name. */
  watched: readonly string[] = [];
  /** Live changes held back while the initial state is read; undefined otherwise. */
  pending: Map<string, OnlineStatus> | undefined = undefined;
}
