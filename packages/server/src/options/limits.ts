/**
 * @module options/limits
 * Per-app limits (`AppLimits`): the SDK's limits (the Pusher rules both sides check, under the same
 * names and with the same Pusher and relaxed defaults) plus the ones only a server enforces;
 * Pusher's defaults, the `relaxed` development ones, their minimums.
 */

import {
  type Limits,
  DEFAULT_LIMITS as SDK_PUSHER_LIMITS,
  RELAXED_LIMITS as SDK_RELAXED_LIMITS,
} from '@pushwire/sdk';

/**
 * Per-app limits. `0` means unlimited where the JSDoc says so. The shared ones come from the SDK's
 * `Limits`: `maxChannelNameLength`, `maxEventNameLength`, `maxChannelsPerTrigger` (channels in one
 * `POST /events`), `maxBatchEvents` (events in one `POST /batch_events`), `maxEventDataBytes`
 * (bytes of an event's `data`, API and client events: larger is HTTP 413 / error 4301),
 * `maxUserIdLength` (presence, sign-in, user channels) and `maxPresenceUserInfoBytes`.
 */
export interface AppLimits extends Limits {
  /** Concurrent WebSocket connections for the app, cluster-wide. `0` = unlimited. @default 0 */
  readonly maxConnections: number;
  /** Unique users in one presence channel. `0` = unlimited. @default 100 */
  readonly maxPresenceMembers: number;
  /** Client events each connection may send per second. `0` = unlimited. @default 10 */
  readonly clientEventsPerSecond: number;
  /** Bytes of one inbound WebSocket frame; larger frames close the connection. @default 32768 */
  readonly maxFrameBytes: number;
  /**
   * Nesting depth of objects and arrays in one inbound WebSocket frame (the envelope is level 1);
   * deeper frames are refused with error 4301 before they are parsed. @default 32
   */
  readonly maxJsonDepth: number;
  /** Bytes of one REST request body; larger → HTTP 413. @default 262144 */
  readonly maxRequestBytes: number;
  /** Seconds a cache channel keeps the last API event. @default 1800 */
  readonly cacheTtlSec: number;
  /**
   * Channels one connection may be subscribed to at once; a subscribe past it is refused with a
   * `pusher:subscription_error` (status 4100). `0` = unlimited. @default 1000
   */
  readonly maxSubscriptionsPerConnection: number;
  /**
   * Messages the app may publish through the REST API per second, cluster-wide: an event counts
   * once per channel it goes to (`POST /events` to 3 channels is 3, a `POST /batch_events` of 10
   * single-channel events is 10), as Pusher counts messages. Over it → HTTP 429 with
   * `Retry-After`. `0` = unlimited. @default 0
   */
  readonly apiEventsPerSecond: number;
  /**
   * REST read requests the app may make per second, cluster-wide: every `GET` of the API
   * (`/channels`, `/channels/{name}`, `/channels/{name}/users`, the native push stand-in's list).
   * Over it → HTTP 429 with `Retry-After`. `0` = unlimited. @default 0
   */
  readonly apiReadsPerSecond: number;
}

/** Pusher's limits for a standard plan: the defaults of every app. */
export const PUSHER_DEFAULT_LIMITS: AppLimits = Object.freeze({
  ...SDK_PUSHER_LIMITS,
  maxConnections: 0,
  maxPresenceMembers: 100,
  clientEventsPerSecond: 10,
  // A 10 KB data string can double when JSON-escaped inside the frame; 32 KB leaves room.
  maxFrameBytes: 32_768,
  maxJsonDepth: 32,
  // Ten 10 KB events, each possibly doubled by escaping, plus the envelope.
  maxRequestBytes: 262_144,
  cacheTtlSec: 1_800,
  // About 650 bytes of server memory each: 1,000 bound one connection to well under 1 MB.
  maxSubscriptionsPerConnection: 1_000,
  // Pusher publishes no per-second REST limit (only message quotas), and soketi's are off by
  // default: an operator turns them on per app (see docs/configuration.md).
  apiEventsPerSecond: 0,
  apiReadsPerSecond: 0,
});

/**
 * Limits of `relaxed: true` (development): large payloads and presence channels, no connection
 * cap. Everything else keeps Pusher's behaviour so code that works here works on Pusher unless it
 * relies on a larger limit.
 */
export const RELAXED_LIMITS: AppLimits = Object.freeze({
  ...SDK_RELAXED_LIMITS,
  maxConnections: 0, // unlimited
  maxPresenceMembers: 10_000,
  clientEventsPerSecond: 100,
  maxFrameBytes: 4_194_304, // 4 MiB frames (a 1 MiB event, escaped, plus the envelope)
  maxJsonDepth: 64,
  maxRequestBytes: 16_777_216, // 16 MiB request bodies
  cacheTtlSec: 1_800,
  maxSubscriptionsPerConnection: 10_000, // about 7 MB of bookkeeping for one connection
  apiEventsPerSecond: 0, // unlimited
  apiReadsPerSecond: 0, // unlimited
});

/** Every limit's name, in declaration order. */
export const LIMIT_NAMES = Object.keys(PUSHER_DEFAULT_LIMITS) as (keyof AppLimits)[];

/** Former names of limits, still accepted in configuration (`maxEventBytes` is the SDK's `maxEventDataBytes`). */
export const LIMIT_ALIASES: Readonly<Record<string, keyof AppLimits>> = Object.freeze({
  maxEventBytes: 'maxEventDataBytes',
});

/** The limits for which `0` means unlimited; every other limit must be at least 1. */
const ZERO_IS_UNLIMITED: ReadonlySet<keyof AppLimits> = new Set([
  'maxConnections',
  'maxPresenceMembers',
  'clientEventsPerSecond',
  'maxSubscriptionsPerConnection',
  'apiEventsPerSecond',
  'apiReadsPerSecond',
]);

/** The smallest value a limit accepts. */
export function limitMinimum(name: keyof AppLimits): number {
  return ZERO_IS_UNLIMITED.has(name) ? 0 : 1;
}
