/**
 * @module channels/roster-frame
 * The presence `pusher_internal:subscription_succeeded` frame (`{"presence":{ids,hash,count}}`),
 * serialized once per roster change rather than once per join: each member's pieces are serialized
 * once (kept while the adapter keeps that member object), and the whole frame is reused while the
 * roster holds the same members. Large rosters (`relaxed` allows 10,000 members of 64 KiB) would
 * otherwise cost a full serialization on every join.
 * @see https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/#presence-channel-events
 */

import type { PresenceMember } from '../adapters/adapter';

/** A member's parts of the `data` string, already escaped for embedding in the frame. */
interface MemberPieces {
  /** The JSON user id (an element of `ids`). */
  readonly id: string;
  /** `"id":info` (an entry of `hash`). */
  readonly entry: string;
}

interface CachedRoster {
  readonly members: readonly PresenceMember[];
  readonly frame: string;
}

/** Rosters whose frame is kept, and the characters they may hold in all. */
const MAX_CACHED_ROSTERS = 1_000;
const MAX_CACHED_CHARS = 16 * 1_048_576;

const piecesByMember = new WeakMap<PresenceMember, MemberPieces>();
const cachedRosters = new Map<string, CachedRoster>();
let cachedChars = 0;

/**
 * `json` as it appears inside the frame's `data` string. Escaping is per character and the pieces
 * are whole JSON texts (no lone surrogate at a boundary), so escaped pieces concatenate into the
 * escaped whole.
 */
function escapedForData(json: string): string {
  return JSON.stringify(json).slice(1, -1);
}

function piecesOf(member: PresenceMember): MemberPieces {
  const known = piecesByMember.get(member);
  if (known !== undefined) return known;
  const id = JSON.stringify(member.userId);
  const info = JSON.stringify(member.userInfo ?? null) ?? 'null';
  const pieces = { id: escapedForData(id), entry: escapedForData(`${id}:${info}`) };
  piecesByMember.set(member, pieces);
  return pieces;
}

/** The frame for `members` (unique users; a repeated user id keeps its first entry). */
function buildFrame(channel: string, members: readonly PresenceMember[]): string {
  const seen = new Set<string>();
  const ids: string[] = [];
  const entries: string[] = [];
  for (const member of members) {
    if (seen.has(member.userId)) continue;
    seen.add(member.userId);
    const pieces = piecesOf(member);
    ids.push(pieces.id);
    entries.push(pieces.entry);
  }
  const data =
    `{\\"presence\\":{\\"ids\\":[${ids.join(',')}],\\"hash\\":{${entries.join(',')}},` +
    `\\"count\\":${ids.length}}}`;
  return `{"event":"pusher_internal:subscription_succeeded","channel":${JSON.stringify(channel)},"data":"${data}"}`;
}

function sameMembers(a: readonly PresenceMember[], b: readonly PresenceMember[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function forget(key: string): void {
  const cached = cachedRosters.get(key);
  if (cached === undefined) return;
  cachedRosters.delete(key);
  cachedChars -= cached.frame.length;
}

/**
 * The presence `subscription_succeeded` frame for the roster `members` of `channel`. Reused while
 * the adapter returns the same member objects in the same order (the in-process adapter does until
 * a member joins or leaves); otherwise rebuilt from the members' cached pieces.
 */
export function presenceRosterFrame(
  appId: string,
  channel: string,
  members: readonly PresenceMember[],
): string {
  const key = `${appId}\u0000${channel}`;
  const cached = cachedRosters.get(key);
  if (cached !== undefined && sameMembers(cached.members, members)) return cached.frame;
  const frame = buildFrame(channel, members);
  forget(key);
  if (frame.length > MAX_CACHED_CHARS) return frame;
  cachedRosters.set(key, { members, frame });
  cachedChars += frame.length;
  // Evict the least recently built rosters (the map's front) until within both bounds.
  for (const oldest of cachedRosters.keys()) {
    if (cachedRosters.size <= MAX_CACHED_ROSTERS && cachedChars <= MAX_CACHED_CHARS) break;
    forget(oldest);
  }
  return frame;
}

/** Drops the cached frame of a roster that emptied. */
export function forgetRosterFrame(appId: string, channel: string): void {
  forget(`${appId}\u0000${channel}`);
}
