/**
 * @module watchlist/online-roster
 * Who is online, cluster-wide: every connection signed in as user U is a member (as U) of the
 * internal presence roster `#online-U` in the adapter, so the adapter's exact presence machinery
 * says when U's first connection anywhere joined and when the last one left (a dead node's included,
 * reported through `clusterChanged`). The same name is the local delivery key of U's watchers: each
 * connection watching U is registered under it in this node's registry (never in the adapter), and
 * U's online/offline changes are published on it to every node. Names starting with `#` are never
 * listed by the REST API or the console.
 */

import type { Adapter, MemberChange } from '../adapters/adapter';
import { type OnlineStatus, watchlistEventsFrame } from './watchlist-frame';

export const ONLINE_ROSTER_PREFIX = '#online-';

/** The roster (and watcher delivery key) of `userId`. */
export function onlineRosterChannel(userId: string): string {
  return `${ONLINE_ROSTER_PREFIX}${userId}`;
}

/** The user whose roster `channel` is, or undefined for any other channel. */
export function rosterUserId(channel: string): string | undefined {
  return channel.startsWith(ONLINE_ROSTER_PREFIX)
    ? channel.slice(ONLINE_ROSTER_PREFIX.length)
    : undefined;
}

/** Counts `socketId` as online for `userId`; the change says whether the user just came online. */
export async function joinOnlineRoster(
  adapter: Adapter,
  appId: string,
  userId: string,
  socketId: string,
): Promise<MemberChange> {
  const result = await adapter.addMember(appId, onlineRosterChannel(userId), socketId, {
    userId,
    userInfo: null,
  });
  // No limit is passed, so the adapter never refuses; a refusal would be a bug in the adapter.
  if ('limitReached' in result) throw new Error('the online roster has no member limit');
  return result;
}

/** Stops counting `socketId`; undefined when it was not counted. */
export function leaveOnlineRoster(
  adapter: Adapter,
  appId: string,
  userId: string,
  socketId: string,
): Promise<MemberChange | undefined> {
  return adapter.removeMember(appId, onlineRosterChannel(userId), socketId);
}

/** True when at least one connection is signed in as `userId` anywhere in the cluster. */
export async function isOnline(adapter: Adapter, appId: string, userId: string): Promise<boolean> {
  return (await adapter.channel(appId, onlineRosterChannel(userId))) !== undefined;
}

/**
 * Tells every watcher of `userId`, on every node, that it came online or went offline.
 * `remoteOnly`: this node's watchers were already told (a change it made while cut off).
 */
export function announceStatus(
  adapter: Adapter,
  appId: string,
  userId: string,
  status: OnlineStatus,
  remoteOnly = false,
): void {
  adapter.publish({
    appId,
    channel: onlineRosterChannel(userId),
    frame: watchlistEventsFrame([{ name: status, userIds: [userId] }]),
    ...(remoteOnly ? { remoteOnly: true } : {}),
  });
}
