/**
 * @module handlers/watchlist-flow
 * Watchlist events: a user is online while at least one connection is signed in as them anywhere
 * in the cluster (see online-roster.ts). After a sign-in, the connection joins its user's roster
 * (the first connection announces `online` to the user's watchers on every node), registers locally
 * as a watcher of each id of its `watchlist` (at most 100: the rest are refused with a non-fatal
 * `pusher:error` 4302, as on Pusher) and gets one `online` event listing those already online. On
 * close it leaves the roster (the last connection announces `offline`); a dead node's connections
 * are removed by a survivor, whose adapter reports it through `clusterChanged`. Every cost is
 * bounded by the connection's own watchlist; a status change is one publish, delivered like a
 * channel event to the watchers registered on each node.
 * @see https://pusher.com/docs/channels/using_channels/watchlist-events/
 */

import type { ChannelMessage, ClusterChange } from '../adapters/adapter';
import type { Connection } from '../core/connection';
import type { LocalRegistry } from '../core/local-registry';
import type { ServerContext } from '../core/server-context';
import { CloseCode } from '../protocol/close-codes';
import { errorFrame } from '../protocol/frames';
import {
  announceStatus,
  isOnline,
  joinOnlineRoster,
  leaveOnlineRoster,
  onlineRosterChannel,
  rosterUserId,
} from '../watchlist/online-roster';
import type { WatchSession } from '../watchlist/watch-session';
import {
  type OnlineStatus,
  statusOfFrame,
  watchlistEventsFrame,
} from '../watchlist/watchlist-frame';
import { MAX_WATCHLIST_IDS, type ParsedWatchlist } from '../watchlist/watchlist-input';

/** Registers `connection` as a watcher of exactly `ids` on this node (replacing its earlier list). */
function watchOnly(
  registry: LocalRegistry,
  connection: Connection,
  session: WatchSession,
  ids: readonly string[],
): void {
  const next = new Set(ids);
  for (const id of session.watched) {
    if (!next.has(id)) registry.unsubscribe(connection, onlineRosterChannel(id));
  }
  const previous = new Set(session.watched);
  for (const id of ids) {
    if (!previous.has(id)) registry.subscribe(connection, onlineRosterChannel(id));
  }
  session.watched = ids;
}

/**
 * Sends one `online` event naming the watched users online now. Changes delivered while the state
 * is read are held in `session.pending` and win over what was read (they are newer or equal).
 */
async function sendInitialState(
  ctx: ServerContext,
  connection: Connection,
  session: WatchSession,
): Promise<void> {
  const ids = session.watched;
  const held = new Map<string, OnlineStatus>();
  session.pending = held;
  let online: boolean[];
  try {
    online = await Promise.all(ids.map((id) => isOnline(ctx.adapter, connection.app.id, id)));
  } finally {
    session.pending = undefined;
  }
  if (connection.closing) return;
  const onlineIds = ids.filter(
    (id, index) => (held.get(id) ?? (online[index] === true ? 'online' : 'offline')) === 'online',
  );
  if (onlineIds.length === 0) return;
  connection.send(watchlistEventsFrame([{ name: 'online', userIds: onlineIds }]));
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}

/**
 * The sign-in part of watchlist events, after `pusher:signin_success` was sent (in the
 * connection's task chain). Calling it again for the same connection (a second sign-in as the same
 * user) keeps its roster membership and replaces its watchlist; the same watchlist again (a
 * replayed sign-in frame) reads nothing, so a replay costs no adapter work.
 */
export async function watchAfterSignin(
  ctx: ServerContext,
  connection: Connection,
  userId: string,
  session: WatchSession,
  watchlist: ParsedWatchlist,
): Promise<void> {
  const { app, socketId } = connection;
  if (watchlist.truncated) {
    connection.send(
      errorFrame(
        `The watchlist names more than ${MAX_WATCHLIST_IDS} user ids; only the first ${MAX_WATCHLIST_IDS} are watched`,
        CloseCode.WatchlistLimitExceeded,
      ),
    );
  }
  if (session.inRoster && sameIds(session.watched, watchlist.ids)) return;
  watchOnly(ctx.registry, connection, session, watchlist.ids);
  if (!session.inRoster) {
    // Set first: a close queued meanwhile runs after this task and leaves the roster.
    session.inRoster = true;
    const change = await joinOnlineRoster(ctx.adapter, app.id, userId, socketId);
    if (change.transitioned) announceStatus(ctx.adapter, app.id, userId, 'online');
  }
  if (session.watched.length > 0) await sendInitialState(ctx, connection, session);
}

/** On close (in the connection's cleanup): stops watching, leaves the roster, maybe `offline`. */
export async function stopWatching(ctx: ServerContext, connection: Connection): Promise<void> {
  const user = connection.user;
  const session = user?.watch;
  if (user === undefined || session === undefined) return;
  watchOnly(ctx.registry, connection, session, []);
  if (!session.inRoster) return;
  session.inRoster = false;
  const { app, socketId } = connection;
  const change = await leaveOnlineRoster(ctx.adapter, app.id, user.id, socketId);
  if (change?.transitioned) announceStatus(ctx.adapter, app.id, user.id, 'offline');
}

/** True for the messages {@link deliverStatus} delivers (a roster's status changes). */
export function isStatusMessage(message: ChannelMessage): boolean {
  return rosterUserId(message.channel) !== undefined;
}

/**
 * Delivers a status change to this node's watchers of its user (`targets`), except those still
 * reading their initial state: those hold it (see {@link sendInitialState}). Returns the number of
 * frames handed to sockets.
 */
export function deliverStatus(
  targets: ReadonlySet<Connection>,
  message: ChannelMessage,
  payload: string | Buffer,
): number {
  let sent = 0;
  let status: OnlineStatus | undefined | null = null;
  for (const connection of targets) {
    if (connection.socketId === message.exceptSocketId) continue;
    const held = connection.user?.watch?.pending;
    if (held !== undefined) {
      if (status === null) status = statusOfFrame(message.frame);
      const userId = rosterUserId(message.channel);
      if (status !== undefined && userId !== undefined) {
        held.set(userId, status);
        continue;
      }
    }
    if (connection.deliver(payload)) sent += 1;
  }
  return sent;
}

/**
 * Announces the roster transitions among `changes` that this node did not cause (a dead node's
 * connections reaped here, or what a resynchronization found) and returns the other changes.
 * A change about this node's own socket goes to the other nodes only: its watchers were told when
 * it happened, while the node was cut off.
 */
export function applyRosterChanges(
  ctx: ServerContext,
  changes: readonly ClusterChange[],
  isOwnSocket: (socketId: string) => boolean,
): readonly ClusterChange[] {
  if (!changes.some((change) => rosterUserId(change.channel) !== undefined)) return changes;
  const others: ClusterChange[] = [];
  for (const reported of changes) {
    const userId = rosterUserId(reported.channel);
    if (userId === undefined) {
      others.push(reported);
      continue;
    }
    if (reported.kind !== 'member' || !reported.change.transitioned) continue;
    const status = reported.direction === 'added' ? 'online' : 'offline';
    announceStatus(ctx.adapter, reported.appId, userId, status, isOwnSocket(reported.socketId));
  }
  return others;
}
