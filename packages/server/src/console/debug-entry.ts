/**
 * @module console/debug-entry
 * One line of the debug console's live log (and of `pushwire tail`): what happened to an app, on
 * which node, with the fields that kind of entry has. Entries are plain JSON (they cross the
 * cluster and the wire as they are) and never carry a secret.
 */

/** What an entry reports. */
export type DebugKind =
  | 'connection_opened'
  | 'connection_closed'
  | 'subscribed'
  | 'unsubscribed'
  | 'refused'
  | 'api_event'
  | 'client_event'
  | 'webhook';

/** Every kind, for validation of entries received from other nodes. */
export const DEBUG_KINDS: ReadonlySet<string> = new Set<DebugKind>([
  'connection_opened',
  'connection_closed',
  'subscribed',
  'unsubscribed',
  'refused',
  'api_event',
  'client_event',
  'webhook',
]);

/** One live-log entry; optional fields are present only for the kinds that have them. */
export interface DebugEntry {
  /** Unix time in milliseconds. */
  readonly time: number;
  readonly appId: string;
  /** The node that saw it (the adapter's node id). */
  readonly node: string;
  readonly kind: DebugKind;
  readonly channel?: string;
  readonly event?: string;
  readonly socketId?: string;
  /** Close code, error code or HTTP status. */
  readonly code?: number;
  /** Close reason, refusal message or webhook failure. */
  readonly reason?: string;
  /** Refusal kind (`subscription_auth`, `http_401`, ...). */
  readonly refusal?: string;
  /** Event data, cut to {@link MAX_DATA_CHARS}. */
  readonly data?: string;
  readonly userId?: string;
  /** Webhook target URL (credentials and query removed). */
  readonly target?: string;
  /** Webhook: milliseconds the attempt took. */
  readonly latencyMs?: number;
  /** Webhook: which attempt (1 = first, 2+ = retries). */
  readonly attempt?: number;
  /** Webhook: events in the request. */
  readonly events?: number;
  /** Remote address of a refused connection. */
  readonly remoteAddress?: string;
}

/** Longest event data kept in an entry. */
export const MAX_DATA_CHARS = 2048;
/** Longest reason kept in an entry. */
export const MAX_REASON_CHARS = 300;

/** `text` cut to `max` characters, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
