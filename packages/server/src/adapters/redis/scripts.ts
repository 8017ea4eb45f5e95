/**
 * @module adapters/redis/scripts
 * The adapter's Lua scripts (see lua-scripts.ts), each bound to its SHA1 once per process.
 */
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
import { LuaScript } from './script-runner';

export const SCRIPTS = {
  addConnection: new LuaScript(ADD_CONNECTION),
  removeConnection: new LuaScript(REMOVE_CONNECTION),
  addSubscription: new LuaScript(ADD_SUBSCRIPTION),
  removeSubscription: new LuaScript(REMOVE_SUBSCRIPTION),
  addMember: new LuaScript(ADD_MEMBER),
  removeMember: new LuaScript(REMOVE_MEMBER),
  channelState: new LuaScript(CHANNEL_STATE),
  channels: new LuaScript(CHANNELS),
  members: new LuaScript(MEMBERS),
  heartbeat: new LuaScript(HEARTBEAT),
  reapNode: new LuaScript(REAP_NODE),
  resyncBegin: new LuaScript(RESYNC_BEGIN),
  resyncRemove: new LuaScript(RESYNC_REMOVE),
  resyncAdd: new LuaScript(RESYNC_ADD),
  resyncFinish: new LuaScript(RESYNC_FINISH),
  pendingChanges: new LuaScript(PENDING_CHANGES),
  rateQuota: new LuaScript(RATE_QUOTA),
} as const;
