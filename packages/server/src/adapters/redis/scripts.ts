/**
 * @module adapters/redis/scripts
 * The adapter's Lua scripts (see lua-scripts.ts) as ioredis custom commands (`defineCommand`):
 * ioredis sends EVAL the first time on each connection and EVALSHA after, and on a Redis Cluster
 * routes each call by its first key. Every script declares one key: the state scripts the
 * deployment's anchor key (see RedisKeys.anchor, the slot of every state key), RATE_QUOTA its
 * window.
 */
import type { Cluster, Redis } from 'ioredis';
import { withDeadline } from './command-deadline';
import {
  ADD_CONNECTION,
  ADD_MEMBER,
  ADD_SUBSCRIPTION,
  CHANNEL_STATE,
  CHANNELS,
  HEARTBEAT,
  MEMBERS,
  PENDING_CHANGES,
  RATE_QUOTA,
  REAP_NODE,
  REMOVE_CONNECTION,
  REMOVE_MEMBER,
  REMOVE_SUBSCRIPTION,
  RESYNC_ADD,
  RESYNC_BEGIN,
  RESYNC_FINISH,
  RESYNC_REMOVE,
} from './lua-scripts';

/** The client the adapter talks to: one Redis, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

const SOURCES = {
  addConnection: ADD_CONNECTION,
  removeConnection: REMOVE_CONNECTION,
  addSubscription: ADD_SUBSCRIPTION,
  removeSubscription: REMOVE_SUBSCRIPTION,
  addMember: ADD_MEMBER,
  removeMember: REMOVE_MEMBER,
  channelState: CHANNEL_STATE,
  channels: CHANNELS,
  members: MEMBERS,
  heartbeat: HEARTBEAT,
  reapNode: REAP_NODE,
  resyncBegin: RESYNC_BEGIN,
  resyncRemove: RESYNC_REMOVE,
  resyncAdd: RESYNC_ADD,
  resyncFinish: RESYNC_FINISH,
  pendingChanges: PENDING_CHANGES,
  rateQuota: RATE_QUOTA,
} as const;

export type ScriptName = keyof typeof SOURCES;

/** Prefix of the custom command names, so they never shadow an ioredis method. */
const COMMAND_PREFIX = 'pushwire_';

type ScriptCommand = (key: string, ...args: (string | number)[]) => Promise<unknown>;

/** Defines every script on the client (once per client). */
export function defineScripts(client: RedisClient): void {
  for (const [name, lua] of Object.entries(SOURCES)) {
    client.defineCommand(`${COMMAND_PREFIX}${name}`, { numberOfKeys: 1, lua });
  }
}

/**
 * Runs a script defined by {@link defineScripts} with its one key and the given ARGV (a resync
 * batch holds at most a few thousand arguments, see resync-batch.ts).
 */
export function runScript(
  client: RedisClient,
  name: ScriptName,
  key: string,
  args: readonly (string | number)[],
): Promise<unknown> {
  const command = (client as unknown as Record<string, ScriptCommand | undefined>)[
    `${COMMAND_PREFIX}${name}`
  ];
  if (command === undefined) throw new Error(`script ${name} is not defined on this client`);
  return withDeadline(client, command.call(client, key, ...args));
}
