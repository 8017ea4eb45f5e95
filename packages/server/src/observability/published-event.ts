/**
 * @module observability/published-event
 * The `onEvent` observer: one call per event and channel that this node accepted and handed to the
 * adapter, from the REST API (`POST /events`, `/batch_events`) or from a client (`client-*`). For
 * test helpers (`@pushwire/server/testing`), debugging and auditing. Unset, it costs one
 * `undefined` check per event. The observer runs synchronously on the publish path: keep it cheap.
 * A throw or a rejected promise is logged and never affects the publish.
 */
import type { Logger } from './logger';

/** One event on one channel, as the server accepted it. */
export interface PublishedEvent {
  /** Where it came from: the REST API or a WebSocket client (`client-*` event). */
  readonly source: 'api' | 'client';
  readonly appId: string;
  readonly channel: string;
  /** The event name. */
  readonly name: string;
  /** The data exactly as subscribers receive it (a string; objects arrive JSON-encoded). */
  readonly data: string;
  /**
   * `api`: the `socket_id` the request excluded, if any. `client`: the sender's socket id (the
   * sender never receives its own client event).
   */
  readonly socketId?: string;
  /** `client` events on presence channels: the sender's user id. */
  readonly userId?: string;
}

/** The `onEvent` option. Called on the node that accepted the event (not on every cluster node). */
export type EventObserver = (event: PublishedEvent) => void;

/** Calls `observer` with `event`; a throw or a rejected promise is logged, never propagated. */
export function notifyEventObserver(
  observer: EventObserver,
  logger: Logger,
  event: PublishedEvent,
): void {
  try {
    const result: unknown = observer(event);
    if (isThenable(result)) {
      result.then(undefined, (error: unknown) => logObserverError(logger, error));
    }
  } catch (error) {
    logObserverError(logger, error);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function logObserverError(logger: Logger, error: unknown): void {
  logger.warn('the onEvent observer failed; the event was published', {
    error: error instanceof Error ? error.message : String(error),
  });
}
