/**
 * @module console/debug-handlers
 * The handlers the server gives its adapter: the gateway's, plus `debugReceived` feeding the debug
 * console's feed with what other nodes sent. Bound methods, so the gateway keeps its own `this`.
 */
import type { AdapterHandlers } from '../adapters/adapter';
import type { DebugFeed } from './debug-feed';

/** `base`'s handlers with the debug feed's receiver added. */
export function handlersWithDebug(base: AdapterHandlers, feed: DebugFeed): AdapterHandlers {
  const handlers: AdapterHandlers = {
    deliver: base.deliver.bind(base),
    terminateUser: base.terminateUser.bind(base),
    clusterChanged: base.clusterChanged.bind(base),
    debugReceived: (text) => feed.receive(text),
  };
  const healthChanged = base.healthChanged;
  return healthChanged === undefined
    ? handlers
    : { ...handlers, healthChanged: healthChanged.bind(base) };
}
