/**
 * @module http/rest-rate-limiter
 * The REST rate limits per app (`apiEventsPerSecond`: messages published, `apiReadsPerSecond`:
 * read requests), cluster-wide in fixed one-second windows. Each node reserves units from the
 * adapter's window ({@link Adapter.takeRateQuota}: Redis on a cluster) in batches of about 5% of
 * the limit and admits requests from its reserve, so Redis sees about `20 + nodes` calls per app,
 * kind and second for the whole cluster however busy the app is (20 batches fill a window; each
 * node makes at most one more call that finds it used up), and none once it is used up. Reserved
 * units are counted before anything is admitted, so the cluster never admits more than the limit
 * in a window; units a node reserved but did not use are lost for the window, so when the limit is
 * reached the cluster has admitted at least `limit − nodes × max(batch, largest request)`.
 * Over the limit: HTTP 429 with `Retry-After` (seconds until the window ends, at least 1),
 * counted as `pushwire_refusals_total{kind="rate_limited"}`.
 */
import type { Adapter, RateLimitKind, RateQuota } from '../adapters/adapter';
import type { ResolvedApp } from '../options';
import { HttpStatusError } from './http-status-error';

/** A reservation asks for about 1/20 of the limit, so a node strands at most ~5% of a window. */
const BATCHES_PER_WINDOW = 20;
const MS_PER_SECOND = 1000;

/** The app limit behind each kind, and what its units are called in an answer. */
const LIMITS: Readonly<
  Record<RateLimitKind, { readonly name: 'apiEventsPerSecond' | 'apiReadsPerSecond'; unit: string }>
> = {
  events: { name: 'apiEventsPerSecond', unit: 'messages (events × channels)' },
  reads: { name: 'apiReadsPerSecond', unit: 'read requests' },
};

/** What {@link RestRateLimiter.admit} decided. */
export type RateDecision =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly retryAfterSec: number };

const ADMITTED: RateDecision = { admitted: true };

function ignore(): void {}

/** This node's share of one app's window for one kind. */
interface Budget {
  /** The adapter's window the reserve belongs to (-1: none yet). */
  window: number;
  /** Local time at which the window ends at the latest (the adapter's end, never later). */
  endsAtMs: number;
  /** Units reserved from the window and not used yet. */
  reserve: number;
  /** The adapter granted less than asked: the window is used up cluster-wide. */
  exhausted: boolean;
  /** The reservation in flight; others wait for it instead of asking too. */
  pending: Promise<unknown> | undefined;
}

/** Units one reservation asks for at least. */
export function reservationBatch(limit: number): number {
  return Math.max(1, Math.ceil(limit / BATCHES_PER_WINDOW));
}

/** The per-app REST rate limits of one node; see the module comment. */
export class RestRateLimiter {
  readonly #budgets = new Map<string, Budget>();
  #nextSweepAtMs = 0;
  readonly #adapter: Pick<Adapter, 'takeRateQuota'>;
  readonly #now: () => number;

  constructor(adapter: Pick<Adapter, 'takeRateQuota'>, now: () => number = Date.now) {
    this.#adapter = adapter;
    this.#now = now;
  }

  /**
   * Counts `units` against `limit` per second for the app and kind; `limit` 0 admits everything.
   * `units` must be between 1 and `limit` (see {@link enforce} for larger requests).
   */
  async admit(
    appId: string,
    kind: RateLimitKind,
    units: number,
    limit: number,
  ): Promise<RateDecision> {
    if (limit <= 0) return ADMITTED;
    const budget = this.#budget(appId, kind);
    for (;;) {
      const nowMs = this.#now();
      if (nowMs >= budget.endsAtMs) {
        budget.reserve = 0;
        budget.exhausted = false;
      }
      if (budget.reserve >= units) {
        budget.reserve -= units;
        return ADMITTED;
      }
      if (budget.exhausted) return { admitted: false, retryAfterSec: retryAfter(budget, nowMs) };
      if (budget.pending !== undefined) {
        // Someone else's reservation may cover this request too: look again once it is in.
        await budget.pending;
        continue;
      }
      const reservation = this.#reserve(budget, appId, kind, units, limit);
      // Waiters only need to know it is over (a failure is this request's, answered 500).
      budget.pending = reservation.then(ignore, ignore).finally(() => {
        budget.pending = undefined;
      });
      if (await reservation) return ADMITTED;
      // Not admitted: the window is used up (refused above), or it turned over meanwhile (ask again).
    }
  }

  /**
   * Admits a request of `units` for `app`, or throws: 429 with `Retry-After` over the limit, 400
   * when the request alone is larger than a whole second's limit (waiting would not help).
   */
  async enforce(app: ResolvedApp, kind: RateLimitKind, units: number): Promise<void> {
    const { name, unit } = LIMITS[kind];
    const limit = app.limits[name];
    if (limit <= 0) return;
    if (units > limit) {
      throw new HttpStatusError(
        400,
        `This request is ${units} ${unit}; the app's ${name} limit allows ${limit} per second. Split it.`,
      );
    }
    const decision = await this.admit(app.id, kind, units, limit);
    if (decision.admitted) return;
    throw new HttpStatusError(
      429,
      `Rate limit exceeded: ${name} is ${limit} ${unit} per second for this app; nothing was done. Retry after ${decision.retryAfterSec} s.`,
      {
        'retry-after': String(decision.retryAfterSec),
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': '0',
      },
      'rate_limited',
    );
  }

  /**
   * Asks the adapter for what the request lacks (at least a batch) and applies the grant; true
   * when the request's units were taken from it. Runs synchronously from the grant to the
   * decision, so no other request can take the units in between.
   */
  async #reserve(
    budget: Budget,
    appId: string,
    kind: RateLimitKind,
    units: number,
    limit: number,
  ): Promise<boolean> {
    const wanted = Math.min(limit, Math.max(units - budget.reserve, reservationBatch(limit)));
    const sentAtMs = this.#now();
    const quota = await this.#adapter.takeRateQuota(appId, kind, wanted, limit);
    applyGrant(budget, quota, sentAtMs, wanted);
    if (budget.reserve < units) return false;
    budget.reserve -= units;
    return true;
  }

  #budget(appId: string, kind: RateLimitKind): Budget {
    this.#sweep();
    // NUL occurs neither in app ids nor in kinds.
    const key = `${appId}\u0000${kind}`;
    let budget = this.#budgets.get(key);
    if (budget === undefined) {
      budget = { window: -1, endsAtMs: 0, reserve: 0, exhausted: false, pending: undefined };
      this.#budgets.set(key, budget);
    }
    return budget;
  }

  /** Forgets the budgets of apps idle for a second (removed apps included), at most once a second. */
  #sweep(): void {
    const nowMs = this.#now();
    if (nowMs < this.#nextSweepAtMs) return;
    this.#nextSweepAtMs = nowMs + MS_PER_SECOND;
    for (const [key, budget] of this.#budgets) {
      if (budget.pending === undefined && budget.endsAtMs + MS_PER_SECOND <= nowMs) {
        this.#budgets.delete(key);
      }
    }
  }
}

/**
 * Adds a grant to the budget. The window ends, by the local clock, `resetInMs` after the request
 * was sent: never after the adapter's own end (the adapter measured later), so a reserve is never
 * used in the next window. Of two such estimates of one window, the later is the closer.
 */
function applyGrant(budget: Budget, quota: RateQuota, sentAtMs: number, wanted: number): void {
  const endsAtMs = sentAtMs + quota.resetInMs;
  if (quota.window !== budget.window) {
    budget.window = quota.window;
    budget.reserve = 0;
    budget.exhausted = false;
    budget.endsAtMs = endsAtMs;
  } else {
    budget.endsAtMs = Math.max(budget.endsAtMs, endsAtMs);
  }
  budget.reserve += quota.granted;
  if (quota.granted < wanted) budget.exhausted = true;
}

/** Whole seconds until the budget's window ends, at least 1. */
function retryAfter(budget: Budget, nowMs: number): number {
  return Math.max(1, Math.ceil((budget.endsAtMs - nowMs) / MS_PER_SECOND));
}
