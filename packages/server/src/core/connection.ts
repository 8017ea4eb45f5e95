/**
 * @module core/connection
 * One client connection, as lean as we can make it (one object per socket, no closures): its
 * socket id, app, subscriptions and signed-in user; the transport's listener for its socket
 * (inbound budget checked before parsing, dispatch, cleanup through the adapter on close); sending
 * with backpressure; its deadlines (server `pusher:ping` after silence, 4201 on no answer, the
 * sign-in deadline) in the node's timing wheel; and a task chain, made only while work is queued,
 * so that async adapter work (subscribe, unsubscribe, close cleanup) runs strictly in arrival order.
 */

import type { PresenceMember } from '../adapters/adapter';
import type { AppMetrics } from '../observability/app-metrics';
import type { ResolvedApp } from '../options';
import { CloseCode } from '../protocol/close-codes';
import { errorFrame, PING_FRAME } from '../protocol/frames';
import type { WatchSession } from '../watchlist/watch-session';
import type { ClientSocket, SocketListener } from './client-socket';
import { type InboundBudgetLimits, type InboundTokens, spendInbound } from './inbound-budget';
import type { LifetimeTracker } from './lifetime-tracker';
import { PerSecondLimiter } from './rate-limiter';
import type { ServerContext } from './server-context';
import { monotonicMs, NOT_SCHEDULED, type TimingWheel, type WheelEntry } from './timing-wheel';

/** How long a socket may stay over `maxBufferedBytes` before it is closed with 4100. */
export const BACKPRESSURE_GRACE_MS = 1000;

/** How long a connection closed for flooding may take to finish the close handshake. */
const FLOODER_CLOSE_GRACE_MS = 1000;

/** What a connection knows about one of its subscriptions. */
export interface LocalSubscription {
  /** Set for presence channels: the member this connection joined as. */
  readonly member?: PresenceMember;
}

/** The subscription record of every channel without a presence member (shared, immutable). */
export const PLAIN_SUBSCRIPTION: LocalSubscription = Object.freeze({});

/** The user a connection signed in as with `pusher:signin`. */
export interface SignedInUser {
  readonly id: string;
  /** The exact `user_data` string that was signed. */
  readonly userData: string;
  readonly userInfo: unknown;
  /** Its part in watchlist events (only when the app has `watchlistEvents`). */
  readonly watch?: WatchSession;
}

/**
 * What every connection of a node shares: the server context, timings, the buffer cap, the timing
 * wheel, the lifetime count and the hooks it reports to. One object per node, so a connection
 * holds one reference instead of its own copies and closures.
 */
export interface ConnectionSettings {
  readonly ctx: ServerContext;
  readonly activityTimeoutMs: number;
  readonly pongTimeoutMs: number;
  readonly maxBufferedBytes: number;
  readonly wheel: TimingWheel<Connection>;
  readonly lifetimes: LifetimeTracker;
  /** Called for each frame dropped because the socket's buffer is full. */
  onDropped(reason: 'backpressure'): void;
  /** Called once when the socket is closed with 4100 for staying over the buffer cap. */
  onOverCapacity(connection: Connection): void;
  /** Called when the pong deadline of `connection` passes (the callee closes it with 4201). */
  onPongTimeout(connection: Connection): void;
  /** Called when the sign-in deadline of `connection` passes (the callee closes it with 4009). */
  onAuthDeadline(connection: Connection): void;
  /** Handles one frame within the budget (the protocol handlers, handlers/message-dispatch.ts). */
  handleFrame(connection: Connection, data: string | Buffer, isBinary: boolean): void;
  /** Leaves `channel` when the connection closed (handlers/subscribe-flow.ts). */
  unsubscribe(connection: Connection, channel: string): Promise<void>;
  /** Leaves the watchlist roster when a signed-in connection closed (handlers/watchlist-flow.ts). */
  stopWatching(connection: Connection): Promise<void>;
}

/** What every connection of one app shares: its inbound budget and its metric series. */
export interface AppShared {
  readonly budget: InboundBudgetLimits;
  readonly metrics: AppMetrics;
}

export interface ConnectionOptions {
  readonly socket: ClientSocket;
  readonly socketId: string;
  readonly app: ResolvedApp;
  readonly settings: ConnectionSettings;
  /** The inbound budget and metric series of the connection's app. */
  readonly shared: AppShared;
  /** Frees the connection's slot in the connection limits, on close. */
  readonly release: () => void;
}

const RESOLVED: Promise<void> = Promise.resolve();

export class Connection implements SocketListener, WheelEntry, InboundTokens {
  readonly socket: ClientSocket;
  readonly socketId: string;
  /**
   * The connection's app: its current settings (the gateway swaps in the new object when the app
   * set is reloaded; the id never changes).
   */
  app: ResolvedApp;
  user: SignedInUser | undefined;
  /** True once the close handler started; no new work is queued after that. */
  closing = false;
  /** True once the adapter counted the connection (it must then be removed on close). */
  counted = false;

  readonly #settings: ConnectionSettings;
  readonly #release: () => void;
  /** The app's inbound budget and metric series (one pointer for both). */
  readonly #shared: AppShared;
  /** Inbound budget tokens (see {@link InboundTokens}). */
  frames: number;
  bytes: number;
  refilledAtMs: number;
  #overBudget = false;
  /** Frames dropped after the first one over budget, added to the metric once the socket closes. */
  #droppedAfterClose = 0;

  /** The queued work, undefined while none is pending. */
  #chain: Promise<void> | undefined;
  #pendingTasks = 0;

  #lastActivityMs: number;
  /** When the outstanding ping must be answered; 0 when none is outstanding. */
  #pongDeadlineMs = 0;
  /** When the connection must have signed in; 0 when there is no such deadline. */
  #authDeadlineMs = 0;
  #wheelSlot = NOT_SCHEDULED;
  #overBufferSinceMs: number | undefined;
  #clientEventLimiter: PerSecondLimiter | undefined;

  /** The first subscription is held inline; a Map is made only for a second one. */
  #soleChannel: string | undefined;
  #soleSubscription: LocalSubscription | undefined;
  #subscriptions: Map<string, LocalSubscription> | undefined;

  constructor(options: ConnectionOptions) {
    const settings = options.settings;
    this.#settings = settings;
    this.socket = options.socket;
    this.socketId = options.socketId;
    this.app = options.app;
    this.#release = options.release;
    this.#shared = options.shared;
    const nowMs = monotonicMs();
    this.frames = options.shared.budget.frameBurst;
    this.bytes = options.shared.budget.byteBurst;
    this.refilledAtMs = nowMs;
    this.#lastActivityMs = nowMs;
    settings.lifetimes.begin();
    this.#reschedule();
  }

  /** The series of the connection's app (messages, connections, latency). */
  get appMetrics(): AppMetrics {
    return this.#shared.metrics;
  }

  /** The client-event rate limiter, made on the first client event (most connections send none). */
  get clientEventLimiter(): PerSecondLimiter {
    this.#clientEventLimiter ??= new PerSecondLimiter(this.app.limits.clientEventsPerSecond);
    return this.#clientEventLimiter;
  }

  // --- subscriptions ------------------------------------------------------------------------

  /** The subscription to `channel`, or undefined when this connection does not hold it. */
  subscription(channel: string): LocalSubscription | undefined {
    if (this.#subscriptions !== undefined) return this.#subscriptions.get(channel);
    return channel === this.#soleChannel ? this.#soleSubscription : undefined;
  }

  get subscriptionCount(): number {
    if (this.#subscriptions !== undefined) return this.#subscriptions.size;
    return this.#soleChannel === undefined ? 0 : 1;
  }

  /** Records the subscription to `channel` (replacing any earlier record of it). */
  addSubscription(channel: string, subscription: LocalSubscription): void {
    if (this.#subscriptions !== undefined) {
      this.#subscriptions.set(channel, subscription);
    } else if (this.#soleChannel === undefined || this.#soleChannel === channel) {
      this.#soleChannel = channel;
      this.#soleSubscription = subscription;
    } else {
      this.#subscriptions = new Map([[this.#soleChannel, this.#soleSubscription ?? {}]]);
      this.#subscriptions.set(channel, subscription);
      this.#soleChannel = undefined;
      this.#soleSubscription = undefined;
    }
  }

  removeSubscription(channel: string): void {
    if (this.#subscriptions !== undefined) {
      this.#subscriptions.delete(channel);
    } else if (this.#soleChannel === channel) {
      this.#soleChannel = undefined;
      this.#soleSubscription = undefined;
    }
  }

  /** The channels this connection holds, as a copy (safe to iterate while unsubscribing). */
  subscribedChannels(): string[] {
    if (this.#subscriptions !== undefined) return [...this.#subscriptions.keys()];
    return this.#soleChannel === undefined ? [] : [this.#soleChannel];
  }

  // --- task chain ---------------------------------------------------------------------------

  /** Runs `task` after every task queued before it; errors go to `onError`, never break the chain. */
  enqueue(task: () => Promise<void> | void, onError: (error: unknown) => void): Promise<void> {
    this.#pendingTasks += 1;
    const next = (this.#chain ?? RESOLVED)
      .then(task)
      .catch(onError)
      .then(() => {
        this.#pendingTasks -= 1;
        if (this.#pendingTasks === 0) this.#chain = undefined;
      });
    this.#chain = next;
    return next;
  }

  /** Resolves when every queued task has finished. */
  idle(): Promise<void> {
    return this.#chain ?? RESOLVED;
  }

  // --- sending ------------------------------------------------------------------------------

  get isOpen(): boolean {
    return this.socket.isOpen;
  }

  /**
   * Sends one pre-serialized frame (a string, or its UTF-8 bytes shared by every recipient) and
   * counts it. See {@link deliver} for what happens when the socket's buffer is full.
   */
  send(frame: string | Buffer): boolean {
    if (!this.deliver(frame)) return false;
    this.#shared.metrics.messagesSent.inc();
    return true;
  }

  /**
   * Hands one frame to the socket without counting it (a fan-out counts its deliveries once).
   * Drops it (and counts the drop) when the socket's buffer is over `maxBufferedBytes`; a socket
   * that stays over for {@link BACKPRESSURE_GRACE_MS} is closed with 4100 so memory never grows
   * without bound for a reader that stopped reading.
   */
  deliver(frame: string | Buffer): boolean {
    const socket = this.socket;
    if (!socket.isOpen) return false;
    const settings = this.#settings;
    const limit = settings.maxBufferedBytes;
    if (limit > 0 && socket.bufferedBytes > limit) {
      settings.onDropped('backpressure');
      const nowMs = monotonicMs();
      this.#overBufferSinceMs ??= nowMs;
      if (nowMs - this.#overBufferSinceMs >= BACKPRESSURE_GRACE_MS) {
        settings.onOverCapacity(this);
        this.closeWith(CloseCode.OverCapacity, 'Connection could not keep up with its messages');
      }
      return false;
    }
    this.#overBufferSinceMs = undefined;
    socket.send(frame);
    return true;
  }

  /** Sends `pusher:error` with `code` then closes the WebSocket with the same code. */
  closeWith(code: number, message: string): void {
    if (this.isOpen) {
      this.socket.send(errorFrame(message, code));
      this.socket.close(code, message.slice(0, 120));
    }
    this.stopTimers();
  }

  // --- deadlines ----------------------------------------------------------------------------

  /** Any inbound frame counts as activity and answers an outstanding ping. */
  touch(): void {
    this.#lastActivityMs = monotonicMs();
    if (this.#pongDeadlineMs !== 0) {
      this.#pongDeadlineMs = 0;
      this.#reschedule();
    }
  }

  /** Kicks the connection (through `onAuthDeadline`) unless `cancelAuthDeadline` is called within `timeoutMs`. */
  startAuthDeadline(timeoutMs: number): void {
    this.#authDeadlineMs = Math.max(1, monotonicMs() + timeoutMs);
    this.#reschedule();
  }

  cancelAuthDeadline(): void {
    this.#authDeadlineMs = 0;
  }

  stopTimers(): void {
    this.#authDeadlineMs = 0;
    this.#pongDeadlineMs = 0;
    this.#wheelSlot = this.#settings.wheel.cancel(this, this.#wheelSlot);
  }

  /** The wheel reached this connection's earliest deadline (or a later one it moved to). */
  onDue(nowMs: number): void {
    this.#wheelSlot = NOT_SCHEDULED;
    if (this.closing || !this.isOpen) return;
    const settings = this.#settings;
    if (this.#authDeadlineMs !== 0 && nowMs >= this.#authDeadlineMs) {
      this.#authDeadlineMs = 0;
      settings.onAuthDeadline(this);
      return;
    }
    if (this.#pongDeadlineMs !== 0) {
      if (nowMs >= this.#pongDeadlineMs) {
        this.#pongDeadlineMs = 0;
        settings.onPongTimeout(this);
        return;
      }
    } else if (nowMs - this.#lastActivityMs >= settings.activityTimeoutMs) {
      this.send(PING_FRAME);
      this.#pongDeadlineMs = Math.max(1, nowMs + settings.pongTimeoutMs);
    }
    this.#reschedule();
  }

  /** Puts the connection in the wheel at its earliest deadline. */
  #reschedule(): void {
    const settings = this.#settings;
    let dueMs =
      this.#pongDeadlineMs !== 0
        ? this.#pongDeadlineMs
        : this.#lastActivityMs + settings.activityTimeoutMs;
    if (this.#authDeadlineMs !== 0 && this.#authDeadlineMs < dueMs) dueMs = this.#authDeadlineMs;
    this.#wheelSlot = settings.wheel.schedule(this, dueMs, this.#wheelSlot);
  }

  // --- the socket's events (SocketListener) --------------------------------------------------

  /**
   * Charges the frame to the inbound budget, then dispatches it. The first frame over budget
   * closes the connection with 4100 and stops reading from it; frames received after that are
   * dropped and counted.
   */
  onMessage(data: string | Buffer, isBinary: boolean): void {
    if (this.#overBudget) {
      this.#droppedAfterClose += 1;
      return;
    }
    const ctx = this.#settings.ctx;
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (spendInbound(this, this.#shared.budget, bytes, monotonicMs())) {
      this.#settings.handleFrame(this, data, isBinary);
      return;
    }
    this.#overBudget = true;
    ctx.metrics.inc('pushwire_dropped_messages_total', { reason: 'inbound_budget' });
    ctx.metrics.inc('pushwire_errors_total', { kind: 'inbound_budget', app_id: this.app.id });
    ctx.logger.debug('connection over its inbound budget', { socketId: this.socketId });
    this.closeWith(CloseCode.OverCapacity, 'Too many messages; reconnect later and send fewer');
    const socket = this.socket;
    socket.pauseReading();
    setTimeout(() => socket.terminate(), FLOODER_CLOSE_GRACE_MS).unref?.();
  }

  onPong(): void {
    this.touch();
  }

  onError(message: string, tooBig: boolean): void {
    const ctx = this.#settings.ctx;
    ctx.metrics.inc('pushwire_errors_total', {
      kind: tooBig ? 'frame_too_large' : 'socket',
      app_id: this.app.id,
    });
    ctx.logger.debug('websocket error', { socketId: this.socketId, error: message });
  }

  onClose(code: number): void {
    const settings = this.#settings;
    const ctx = settings.ctx;
    this.#release();
    if (this.#droppedAfterClose > 0) {
      const labels = { reason: 'inbound_budget' };
      ctx.metrics.inc('pushwire_dropped_messages_total', labels, this.#droppedAfterClose);
      this.#droppedAfterClose = 0;
    }
    ctx.logger.debug('connection closed', { socketId: this.socketId, code });
    ctx.debug?.connectionClosed(this.app.id, this.socketId, code);
    this.closing = true;
    this.stopTimers();
    if (ctx.registry.removeConnection(this)) this.#shared.metrics.connections.inc(-1);
    if (this.user !== undefined) ctx.registry.signOut(this, this.user.id);
    const cleanup = this.enqueue(
      () => this.#cleanUp(),
      (error) => ctx.logger.warn('connection cleanup failed', { error: String(error) }),
    );
    void cleanup.finally(() => settings.lifetimes.end());
  }

  /**
   * Unsubscribes from every channel, leaves the watchlist roster and removes the connection from
   * the adapter's count.
   */
  async #cleanUp(): Promise<void> {
    const settings = this.#settings;
    const ctx = settings.ctx;
    for (const channel of this.subscribedChannels()) {
      try {
        await settings.unsubscribe(this, channel);
      } catch (error) {
        ctx.logger.warn('cleanup failed', { channel, error: String(error) });
      }
    }
    try {
      await settings.stopWatching(this);
    } catch (error) {
      ctx.logger.warn('watchlist cleanup failed', { error: String(error) });
    }
    if (this.counted) await ctx.adapter.removeConnection(this.app.id, this.socketId);
  }
}
