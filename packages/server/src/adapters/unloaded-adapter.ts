/**
 * @module adapters/unloaded-adapter
 * What `PushwireServer.adapter` shows for `createServer({ redisUrl })` before `listen()`/`attach()`
 * loaded the Redis adapter: it reports "not started", and any other use is an
 * {@link AdapterUsageError}. The server itself never uses it (it starts on the loaded adapter).
 */

import type { Adapter, AdapterHealth } from './adapter';
import { AdapterUsageError } from './adapter-errors';

const NOT_STARTED: AdapterHealth = { ok: false, detail: 'not started' };

function unusable(): never {
  throw new AdapterUsageError('the adapter was used before the server started it');
}

/** The stand-in for an adapter that is not loaded yet. */
export const UNLOADED_ADAPTER: Adapter = Object.freeze({
  get nodeId(): string {
    return unusable();
  },
  start: unusable,
  close: () => Promise.resolve(),
  health: () => NOT_STARTED,
  canReachCluster: () => false,
  publish: unusable,
  terminateUser: unusable,
  addConnection: unusable,
  removeConnection: unusable,
  addSubscription: unusable,
  removeSubscription: unusable,
  addMember: unusable,
  removeMember: unusable,
  members: unusable,
  channels: unusable,
  channel: unusable,
  setCachedEvent: unusable,
  cachedEvent: unusable,
  claimOnce: unusable,
  takeRateQuota: unusable,
});
