/**
 * @module watchlist/watchlist-input
 * The `watchlist` of a signed-in user's `user_data`: an array of user ids (strings, or numbers used
 * in their string form, as for `id`), deduplicated in order. Pusher accepts the first 100 ids and
 * reports the rest with a `pusher:error` 4302; anything but an array of ids fails the sign-in.
 * @see https://pusher.com/docs/channels/using_channels/watchlist-events/
 */

import { normalizeUserId } from '../channels/presence-member';
import { CloseCode } from '../protocol/close-codes';
import { ProtocolError } from '../protocol/protocol-error';

/** Pusher's limit: the first 100 user ids of a watchlist are watched, the rest ignored. */
export const MAX_WATCHLIST_IDS = 100;

export interface ParsedWatchlist {
  /** Distinct user ids in their first order, at most {@link MAX_WATCHLIST_IDS}. */
  readonly ids: readonly string[];
  /** True when the list named more distinct ids than the limit (they were dropped). */
  readonly truncated: boolean;
}

const NO_WATCHLIST: ParsedWatchlist = Object.freeze({ ids: Object.freeze([]), truncated: false });

function invalid(message: string): ProtocolError {
  return new ProtocolError('signin_failed', message, CloseCode.Unauthorized, { fatal: true });
}

/**
 * Reads `user_data.watchlist` (absent or null: no watchlist). Every entry is checked, so the cost
 * is bounded by the size of the frame the client sent; ids beyond the limit are only counted.
 * @throws {ProtocolError} fatal 4009 when it is not an array of ids, or an id is too long.
 */
export function parseWatchlist(value: unknown, maxUserIdLength: number): ParsedWatchlist {
  if (value === undefined || value === null) return NO_WATCHLIST;
  if (!Array.isArray(value)) {
    throw invalid('Invalid user_data: "watchlist" must be an array of user ids');
  }
  const ids = new Set<string>();
  let truncated = false;
  for (const entry of value as readonly unknown[]) {
    const id = normalizeUserId(entry);
    if (id === undefined) {
      throw invalid(
        'Invalid user_data: each "watchlist" entry must be a non-empty string or a number',
      );
    }
    if (maxUserIdLength > 0 && id.length > maxUserIdLength) {
      throw invalid(
        `Invalid user_data: a "watchlist" id is longer than ${maxUserIdLength} characters`,
      );
    }
    if (ids.has(id)) continue;
    if (ids.size < MAX_WATCHLIST_IDS) ids.add(id);
    else truncated = true;
  }
  return { ids: [...ids], truncated };
}
