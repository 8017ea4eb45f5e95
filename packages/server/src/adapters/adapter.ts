/**
 * @module adapters/adapter
 * The seam between one server node and the cluster: fan-out of channel messages and the shared
 * state (subscriptions, presence members, cache channels, connection counts) that must be exact
 * across nodes. The in-process adapter is the default; the Redis adapter implements the same
 * contract for several nodes. The server core never keeps its own copy of cluster-wide counts.
 */

/** A presence member as the cluster knows it. `userId` is always a string on the wire. */
export interface PresenceMember {
  readonly userId: string;
  readonly userInfo: unknown;
}

/** A frame to deliver to every subscriber of a channel, on every node. */
export interface ChannelMessage {
  readonly appId: string;
  readonly channel: string;
  /** The exact text frame sent to each subscriber (already serialized once, never re-encoded). */
  readonly frame: string;
  /** Connection that must not receive it: socket_id exclusion, a client event's sender, a joiner. */
  readonly exceptSocketId?: string;
  /**
   * True when this node's subscribers already have it (e.g. a join this node announced locally
   * while cut off from the cluster): deliver on the other nodes only.
   */
  readonly remoteOnly?: boolean;
  /**
   * When the REST API accepted the publish: milliseconds since the Unix epoch, sub-millisecond
   * (`performance.timeOrigin + performance.now()`). Carried to the other nodes; each node records
   * the time to its fan-out in `pushwire_delivery_latency_seconds`. Absent for client events.
   */
  readonly publishedAt?: number;
}

/** Result of adding or removing one connection's subscription to a channel. */
export interface SubscriptionChange {
  /** Cluster-wide number of connections subscribed after the change. */
  readonly subscriptionCount: number;
  /**
   * True when this very call moved the channel from unoccupied to occupied (add) or from occupied to
   * unoccupied (remove), cluster-wide. Exactly one caller in the cluster sees each transition, so
   * it is the one that sends the `channel_occupied` / `channel_vacated` webhook.
   */
  readonly transitioned: boolean;
  /**
   * True when the cluster was unreachable and the answer comes from this node's own view only.
   * The core still delivers the resulting frames to its local clients but sends no webhook: the
   * cluster-wide transition, if any, is reported later through {@link AdapterHandlers.clusterChanged}
   * once the adapter resynchronized. Absent (never false) on cluster-wide answers.
   */
  readonly provisional?: true;
}

/** Result of adding or removing one connection's presence membership. */
export interface MemberChange {
  readonly member: PresenceMember;
  /** Unique users in the channel after the change, cluster-wide. */
  readonly userCount: number;
  /**
   * True when the user's first connection joined (add) or last connection left (remove),
   * cluster-wide: `member_added` / `member_removed` are sent only then, once.
   */
  readonly transitioned: boolean;
  /** As {@link SubscriptionChange.provisional}: answered from this node's view during an outage. */
  readonly provisional?: true;
}

/** Limits checked atomically by {@link Adapter.addMember}, as part of the same cluster-wide change. */
export interface MemberLimits {
  /**
   * Maximum unique users of the channel. A NEW user is refused when the channel already has this
   * many; another connection of a user who is already a member is always accepted. Absent or 0: no
   * limit.
   */
  readonly maxMembers?: number;
}

/** {@link Adapter.addMember}'s answer when a limit refused the member; nothing was changed. */
export interface MemberLimitReached {
  readonly limitReached: 'maxMembers';
  /** Unique users of the channel when the join was refused (cluster-wide). */
  readonly userCount: number;
}

/** Narrows an `addMember` result to the refusal. */
export function isMemberLimitReached(
  result: MemberChange | MemberLimitReached,
): result is MemberLimitReached {
  return 'limitReached' in result;
}

/** What a channel query returns for an occupied channel. */
export interface ChannelState {
  readonly subscriptionCount: number;
  /** Unique presence users; present for presence channels only. */
  readonly userCount?: number;
}

/** The last event published through the REST API to a cache channel. */
export interface CachedEvent {
  readonly event: string;
  readonly data: string;
}

/** What a REST rate limit counts: messages published, or read requests. */
export type RateLimitKind = 'events' | 'reads';

/** {@link Adapter.takeRateQuota}'s answer: the units granted out of the current window. */
export interface RateQuota {
  /** Units granted, between 0 and the units asked for; already counted against the window. */
  readonly granted: number;
  /**
   * The window the units belong to: its start in whole seconds since the epoch on the clock that
   * decides windows (the adapter's, cluster-wide). Two answers with the same `window` share one
   * budget of `limit` units.
   */
  readonly window: number;
  /** Milliseconds until the window ends, between 1 and 1000, measured when the grant was made. */
  readonly resetInMs: number;
}

/**
 * A cluster-wide transition that the core did not cause through its own call: the removal of a dead
 * node's connections by a survivor, or what a node's resynchronization after an outage (or after
 * being reaped while cut off) added back or found gone. `change` has the same meaning as the result
 * of the corresponding adapter call; only changes with `transitioned: true` cause
 * occupied/vacated/member frames and webhooks, every subscription change updates subscription_count.
 */
export type ClusterChange =
  | {
      readonly kind: 'subscription';
      readonly direction: 'added' | 'removed';
      readonly appId: string;
      readonly channel: string;
      readonly socketId: string;
      readonly change: SubscriptionChange;
    }
  | {
      readonly kind: 'member';
      readonly direction: 'added' | 'removed';
      readonly appId: string;
      readonly channel: string;
      readonly socketId: string;
      readonly change: MemberChange;
    };

/** Health of the adapter's link to the cluster, for logs, metrics and the health endpoint. */
export interface AdapterHealth {
  readonly ok: boolean;
  /** Human-readable cause when not ok (never contains credentials). */
  readonly detail?: string;
}

/** Callbacks from the adapter into the node's core. */
export interface AdapterHandlers {
  /** Deliver to this node's local subscribers of `message.channel` (except `exceptSocketId`). */
  deliver(message: ChannelMessage): void;
  /** Close this node's local connections that are signed in as `userId`. */
  terminateUser(appId: string, userId: string): void;
  /**
   * Every cluster transition the core did not cause itself (see {@link ClusterChange}): a dead
   * node's connections removed by a survivor, or what a node's resynchronization after an outage
   * added back or found gone. Called on exactly one node per change; the core reacts as for its own
   * transitions (frames, webhooks, subscription counts) to the changes whose `transitioned` is true.
   */
  clusterChanged(changes: readonly ClusterChange[]): void;
  /** The adapter's health changed (e.g. Redis went away or came back). */
  healthChanged?(health: AdapterHealth): void;
  /** Text another node sent with {@link Adapter.sendDebug} (the debug console's feed). */
  debugReceived?(text: string): void;
}

/**
 * One node's view of the cluster. All state-changing calls are atomic cluster-wide. The core calls
 * them in order per connection (it serializes each connection's work), so an implementation need
 * not guard against one socket's subscribe racing its own unsubscribe.
 */
export interface Adapter {
  /** Unique id of this node (stable for the adapter's lifetime). */
  readonly nodeId: string;

  /** Connect, register handlers, start heartbeats. Called once before any other method. */
  start(handlers: AdapterHandlers): Promise<void>;
  /** Leave the cluster cleanly: remove this node's state, stop heartbeats, disconnect. Idempotent. */
  close(): Promise<void>;
  health(): AdapterHealth;
  /**
   * True when a {@link publish} or {@link terminateUser} made now reaches every node of the
   * cluster (this one included). False while the link to the other nodes is down or not yet
   * restored (for the Redis adapter: until it reconnected and resynchronized), before `start()`
   * and after `close()`. The REST API answers 503 instead of publishing while it is false, so that
   * a 2xx always means the event was handed to the whole cluster. A single-node adapter answers
   * true once started.
   */
  canReachCluster(): boolean;

  /** Deliver `message` to its channel's subscribers on every node, this one synchronously first. */
  publish(message: ChannelMessage): void;
  /** Ask every node (this one included) to close the connections signed in as `userId`. */
  terminateUser(appId: string, userId: string): Promise<void>;

  /** Count a new connection for the app; resolves to the cluster-wide connection count after it. */
  addConnection(appId: string, socketId: string): Promise<number>;
  removeConnection(appId: string, socketId: string): Promise<void>;

  addSubscription(appId: string, channel: string, socketId: string): Promise<SubscriptionChange>;
  /** Resolves to undefined when the socket was not subscribed. */
  removeSubscription(
    appId: string,
    channel: string,
    socketId: string,
  ): Promise<SubscriptionChange | undefined>;

  /**
   * Adds a connection's presence membership. With `limits`, the limit is checked in the same atomic
   * step as the addition, cluster-wide, and a refusal resolves to {@link MemberLimitReached} (never
   * thrown) with nothing changed.
   */
  addMember(
    appId: string,
    channel: string,
    socketId: string,
    member: PresenceMember,
    limits?: MemberLimits,
  ): Promise<MemberChange | MemberLimitReached>;
  /** Resolves to undefined when the socket was not a member. */
  removeMember(appId: string, channel: string, socketId: string): Promise<MemberChange | undefined>;
  /** Unique users of a presence channel, cluster-wide, each once. */
  members(appId: string, channel: string): Promise<PresenceMember[]>;

  /** Occupied channels of an app (optionally only those whose name starts with `prefix`). */
  channels(appId: string, prefix?: string): Promise<Map<string, ChannelState>>;
  /** State of one channel, or undefined when unoccupied. */
  channel(appId: string, channel: string): Promise<ChannelState | undefined>;

  /** Store the last API event of a cache channel for `ttlSec` seconds. */
  setCachedEvent(appId: string, channel: string, event: CachedEvent, ttlSec: number): Promise<void>;
  /** The cached event with its remaining TTL in seconds, or undefined. */
  cachedEvent(
    appId: string,
    channel: string,
  ): Promise<{ readonly event: CachedEvent; readonly ttlSec: number } | undefined>;

  /**
   * Cluster-wide "first one wins" for `key` during `ttlSec`: resolves true for exactly one caller.
   * Used to send a deduplicated webhook (cache_miss) once per cluster.
   */
  claimOnce(key: string, ttlSec: number): Promise<boolean>;

  /**
   * Takes up to `units` of the app's `limit` for `kind` in the current one-second window,
   * cluster-wide: the grants of every caller on every node in one window never add up to more
   * than `limit`. Resolves to fewer units (down to 0) once the window is (nearly) used up; the
   * next window starts from 0. The REST rate limits (`apiEventsPerSecond`, `apiReadsPerSecond`)
   * reserve their units through it in small batches (see http/rest-rate-limiter.ts). While the
   * cluster is unreachable, an adapter may answer from this node's own count.
   */
  takeRateQuota(
    appId: string,
    kind: RateLimitKind,
    units: number,
    limit: number,
  ): Promise<RateQuota>;

  /**
   * Sends `text` to every other node's {@link AdapterHandlers.debugReceived}, best effort (lost
   * while the cluster is unreachable). Carries the debug console's feed (interest announcements
   * and log entries, only while someone watches). Optional: without it the console shows this
   * node's traffic only. A single-node adapter has nobody to send to.
   */
  sendDebug?(text: string): void;
}
