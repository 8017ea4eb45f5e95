/**
 * @module adapters/redis/redis-keys
 * Names of the Redis keys and pub/sub channels of one deployment (one key prefix), on a single
 * Redis or a Redis Cluster. The Lua scripts build the state keys themselves from {@link
 * RedisKeys.state} (see lua-scripts.ts). App ids are URI-encoded so they never contain ':'.
 *
 * On a Redis Cluster every state key carries the hash tag `{prefix}`, so all of them live in one
 * slot and every script touches that slot only; cache, claim and rate keys keep their own slots
 * (spread over the shards), and channel messages travel over {@link BUS_SHARDS} sharded pub/sub
 * channels, each in its own slot.
 */
/** Sharded pub/sub channels a deployment's messages are spread over on a Redis Cluster. */
export const BUS_SHARDS = 16;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a of the string's UTF-16 code units, continuing from `hash`. */
function fnv1a(text: string, hash: number): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** The app id as it appears inside keys and scripts. */
export function encodeAppId(appId: string): string {
  return encodeURIComponent(appId);
}

export function decodeAppId(encoded: string): string {
  return decodeURIComponent(encoded);
}

/** The keys and channels of one deployment; see the module comment. */
export class RedisKeys {
  /** The prefix the Lua scripts build the state keys from (ARGV[1]). */
  readonly state: string;
  /**
   * The key every state script declares (KEYS[1]): it names the slot of the state keys, which is
   * where a Redis Cluster client sends the script.
   */
  readonly anchor: string;
  /** The pub/sub channels every node subscribes to (sharded channels on a cluster). */
  readonly busChannels: readonly string[];
  /** The debug console's feed channel (see console/cluster-link.ts). */
  readonly debugChannel: string;

  constructor(
    private readonly prefix: string,
    readonly sharded: boolean,
  ) {
    this.state = sharded ? `{${prefix}}` : prefix;
    this.anchor = `${this.state}nodes`;
    this.busChannels = sharded
      ? Array.from({ length: BUS_SHARDS }, (_, shard) => `${prefix}bus:{${prefix}${shard}}`)
      : [`${prefix}bus`];
    this.debugChannel = sharded ? `${prefix}debug:{${prefix}debug}` : `${prefix}debug`;
  }

  /** The bus channel carrying the messages of one channel (or one user's terminations). */
  busChannelFor(appId: string, name: string): string {
    const channels = this.busChannels;
    if (channels.length === 1) return channels[0] as string;
    return channels[fnv1a(name, fnv1a(appId, FNV_OFFSET)) % channels.length] as string;
  }

  /** The set of entries node N owns (see lua-scripts.ts). */
  nodeSet(nodeId: string): string {
    return `${this.state}node:${nodeId}`;
  }

  /** The list of change rows node N still has to report. */
  pending(nodeId: string): string {
    return `${this.state}pending:${nodeId}`;
  }

  cache(appId: string, channel: string): string {
    return `${this.prefix}cache:${encodeAppId(appId)}:${channel}`;
  }

  claim(key: string): string {
    return `${this.prefix}claim:${key}`;
  }

  /**
   * The rate-limit window hash of an app and kind (`events`, `reads`). The app is a hash tag, so
   * the key stays in the app's slot on Redis Cluster.
   */
  rate(appId: string, kind: string): string {
    return `${this.prefix}rate:{${encodeAppId(appId)}}:${kind}`;
  }
}
