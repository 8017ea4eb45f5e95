/**
 * @module webhooks/target-queue
 * The backlog of one (app, target) pair: serialized events waiting to be posted, deliveries waiting
 * for a free request slot after a failed attempt, and what the pair holds in events and bytes
 * (waiting, in flight and between retries). Each pair has its own queue, so a slow receiver only
 * ever holds back its own events.
 */
import type { ResolvedApp, ResolvedWebhookTarget } from '../options';
import { Fifo } from './fifo';

/** One event, serialized once when queued (its size is what the caps count). */
export interface QueuedEvent {
  readonly json: string;
  readonly bytes: number;
}

/** One POST of one or more events, retried until it succeeds, expires or is dropped. */
export interface Delivery {
  readonly queue: TargetQueue;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly eventCount: number;
  readonly bytes: number;
  readonly firstAttemptAt: number;
  attempt: number;
  retryTimer: NodeJS.Timeout | undefined;
  abort: AbortController | undefined;
}

/** The backlog and request slots of one (app, target). */
export class TargetQueue {
  readonly app: ResolvedApp;
  readonly target: ResolvedWebhookTarget;
  /** Events not yet in a POST, oldest first. */
  readonly waiting = new Fifo<QueuedEvent>();
  /** Deliveries whose retry delay passed, waiting for a request slot (sent before new events). */
  readonly retryReady = new Fifo<Delivery>();
  /** Requests in flight (at most the concurrency cap). */
  inFlight = 0;
  /** Events held: waiting, in flight, and between retries. */
  events = 0;
  /** Serialized bytes of those events. */
  bytes = 0;
  /** The batching window of the waiting events has ended: send them as soon as a slot is free. */
  due = false;
  batchTimer: NodeJS.Timeout | undefined;

  constructor(app: ResolvedApp, target: ResolvedWebhookTarget) {
    this.app = app;
    this.target = target;
  }

  /** Nothing waiting, nothing in flight, nothing between retries. */
  get isEmpty(): boolean {
    return this.events === 0;
  }
}
