/**
 * @module observability/refusals
 * Every refusal in one place: a connection, subscription, client message or REST call that the
 * server turned down is counted in `pushwire_refusals_total{kind,app_id}` and logged at debug with
 * its kind, code, app id and reason. `app_id` is a configured app's id or empty (never a string
 * the client made up, so the label's values stay bounded); the reason is cut to a short length.
 */
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/** Longest reason (or client-supplied detail) written to a log line. */
const MAX_REASON_CHARS = 200;

/** One refusal, as the code that refused sees it. */
export interface Refusal {
  /** What was refused and why, in one word: `unknown_app`, `subscription_auth`, `http_401`, ... */
  readonly kind: string;
  /** The configured app it concerns; undefined when none was identified. */
  readonly appId?: string | undefined;
  /** The close code, error code or HTTP status the client got. */
  readonly code?: number | null | undefined;
  /** The message the client got. */
  readonly reason: string;
  /** More context for the log line (socket id, channel, route, remote address). */
  readonly detail?: Readonly<Record<string, string | number | undefined>>;
}

/** Told of every refusal: the debug console's feed (console/debug-feed.ts). */
export interface RefusalObserver {
  refused(refusal: Refusal): void;
}

/** Counts and logs one refusal, and shows it in the debug console when someone watches the app. */
export function recordRefusal(
  observers: {
    readonly metrics: Metrics;
    readonly logger: Logger;
    readonly debug?: RefusalObserver | undefined;
  },
  refusal: Refusal,
): void {
  observers.debug?.refused(refusal);
  observers.metrics.inc('pushwire_refusals_total', {
    kind: refusal.kind,
    app_id: refusal.appId ?? '',
  });
  observers.logger.debug('refused', {
    kind: refusal.kind,
    appId: refusal.appId,
    code: refusal.code ?? undefined,
    reason: refusal.reason.slice(0, MAX_REASON_CHARS),
    ...refusal.detail,
  });
}
