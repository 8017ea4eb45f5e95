/**
 * @module adapters/redis/redis-keys
 * Names of the Redis keys and the pub/sub channel used from TypeScript (the Lua scripts build the
 * state keys themselves, see lua-scripts.ts). App ids are URI-encoded so they never contain ':'.
 */

/** The app id as it appears inside keys and scripts. */
export function encodeAppId(appId: string): string {
  return encodeURIComponent(appId);
}

export function decodeAppId(encoded: string): string {
  return decodeURIComponent(encoded);
}

/** The pub/sub channel carrying every envelope of one deployment (one key prefix). */
export function busChannel(prefix: string): string {
  return `${prefix}bus`;
}

/** The pub/sub channel of the debug console's feed (see console/cluster-link.ts). */
export function debugChannel(prefix: string): string {
  return `${prefix}debug`;
}

/** The set of entries node N owns (see lua-scripts.ts). */
export function nodeKey(prefix: string, nodeId: string): string {
  return `${prefix}node:${nodeId}`;
}

export function cacheKey(prefix: string, appId: string, channel: string): string {
  return `${prefix}cache:${encodeAppId(appId)}:${channel}`;
}

/**
 * The rate-limit window hash of an app and kind (`events`, `reads`). The app is a hash tag, so the
 * key stays in the app's slot on Redis Cluster.
 */
export function rateKey(prefix: string, appId: string, kind: string): string {
  return `${prefix}rate:{${encodeAppId(appId)}}:${kind}`;
}

export function claimKey(prefix: string, key: string): string {
  return `${prefix}claim:${key}`;
}
