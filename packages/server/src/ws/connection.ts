/**
 * @module ws/connection
 * One client connection: its socket id, app, subscriptions and signed-in user; sending with
 * backpressure; the liveness timers (server `pusher:ping` after silence, 4201 on no answer); and a
 * per-connection task chain so that async adapter work (subscribe, unsubscribe, close cleanup) runs
 * strictly in arrival order.
 */

import type { PresenceMember } from '../adapters/adapter';
import type { ResolvedApp } from '../options';
import { CloseCode } from '../protocol/close-codes';
import { errorFrame, PING_FRAME } from '../protocol/frames';
import type { ClientSocket } from '../transports/client-socket';
import { PerSecondLimiter } from './rate-limiter';

/** How long a socket may stay over `maxBufferedBytes` before it is closed with 4100. */
export const BACKPRESSURE_GRACE_MS = 1000;

/** What a connection knows about one of its subscriptions. */
export interface LocalSubscription {
  /** Set for presence channels: the member this connection joined as. */
  readonly member?: PresenceMember;
}

/** The user a connection signed in as with `pusher:signin`. */
export interface SignedInUser {
  readonly id: string;
  /** The exact `user_data` string that was signed. */
  readonly userData: string;
  readonly userInfo: unknown;
}

/**
 * What every connection of a node shares: timings, the buffer cap and the hooks it reports to.
 * One object per node, so a connection holds a reference instead of its own copies and closures.
 */
export interface ConnectionSettings {
  readonly activityTimeoutMs: number;
  readonly pongTimeoutMs: number;
  readonly maxBufferedBytes: number;
  /** Called for each frame dropped because the socket's buffer is full. */
  onDropped(reason: 'backpressure'): void;
  /** Called once when the socket is closed with 4100 for staying over the buffer cap. */
  onOverCapacity(): void;
  /** Called for each frame actually handed to the socket. */
  onSent(): void;
  /** Called when the pong deadline of `connection` passes (the callee closes it with 4201). */
  onPongTimeout(connection: Connection): void;
}

export interface ConnectionOptions {
  readonly socket: ClientSocket;
  readonly socketId: string;
  readonly app: ResolvedApp;
  readonly settings: ConnectionSettings;
}

export class Connection {
  readonly socket: ClientSocket;
  readonly socketId: string;
  readonly app: ResolvedApp;
  readonly subscriptions = new Map<string, LocalSubscription>();
  #clientEventLimiter: PerSecondLimiter | undefined;
  user: SignedInUser | undefined;
  /** True once the close handler started; no new work is queued after that. */
  closing = false;

  readonly #options: ConnectionSettings;
  #chain: Promise<void> = Promise.resolve();
  #lastActivityMs = Date.now();
  #activityTimer: NodeJS.Timeout | undefined;
  #pongTimer: NodeJS.Timeout | undefined;
  #authTimer: NodeJS.Timeout | undefined;
  #overBufferSinceMs: number | undefined;

  constructor(options: ConnectionOptions) {
    this.#options = options.settings;
    this.socket = options.socket;
    this.socketId = options.socketId;
    this.app = options.app;
    this.#armActivityTimer(options.settings.activityTimeoutMs);
  }

  /** The client-event rate limiter, made on the first client event (most connections send none). */
  get clientEventLimiter(): PerSecondLimiter {
    this.#clientEventLimiter ??= new PerSecondLimiter(this.app.limits.clientEventsPerSecond);
    return this.#clientEventLimiter;
  }

  /** Runs `task` after every task queued before it; errors go to `onError`, never break the chain. */
  enqueue(task: () => Promise<void> | void, onError: (error: unknown) => void): Promise<void> {
    const next = this.#chain.then(task).catch(onError);
    this.#chain = next;
    return next;
  }

  /** Resolves when every queued task has finished. */
  idle(): Promise<void> {
    return this.#chain;
  }

  get isOpen(): boolean {
    return this.socket.isOpen;
  }

  /**
   * Sends one pre-serialized frame (a string, or its UTF-8 bytes shared by every recipient). Drops it (and counts the drop) when the socket's buffer is over
   * `maxBufferedBytes`; a socket that stays over for {@link BACKPRESSURE_GRACE_MS} is closed with
   * 4100 so memory never grows without bound for a reader that stopped reading.
   */
  send(frame: string | Buffer): boolean {
    if (!this.isOpen) return false;
    const limit = this.#options.maxBufferedBytes;
    if (limit > 0 && this.socket.bufferedBytes > limit) {
      this.#options.onDropped('backpressure');
      const now = Date.now();
      this.#overBufferSinceMs ??= now;
      if (now - this.#overBufferSinceMs >= BACKPRESSURE_GRACE_MS) {
        this.#options.onOverCapacity();
        this.closeWith(CloseCode.OverCapacity, 'Connection could not keep up with its messages');
      }
      return false;
    }
    this.#overBufferSinceMs = undefined;
    this.socket.send(frame);
    this.#options.onSent();
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

  /** Any inbound frame counts as activity and answers an outstanding ping. */
  touch(): void {
    this.#lastActivityMs = Date.now();
    if (this.#pongTimer) {
      clearTimeout(this.#pongTimer);
      this.#pongTimer = undefined;
      this.#armActivityTimer(this.#options.activityTimeoutMs);
    }
  }

  /** Kicks the connection with 4009 unless `cancelAuthDeadline` is called within `timeoutMs`. */
  startAuthDeadline(timeoutMs: number, onExpired: () => void): void {
    this.#authTimer = setTimeout(onExpired, timeoutMs);
    this.#authTimer.unref();
  }

  cancelAuthDeadline(): void {
    if (this.#authTimer) clearTimeout(this.#authTimer);
    this.#authTimer = undefined;
  }

  stopTimers(): void {
    if (this.#activityTimer) clearTimeout(this.#activityTimer);
    if (this.#pongTimer) clearTimeout(this.#pongTimer);
    this.cancelAuthDeadline();
    this.#activityTimer = undefined;
    this.#pongTimer = undefined;
  }

  #armActivityTimer(delayMs: number): void {
    this.#activityTimer = setTimeout(() => this.#onActivityTimer(), Math.max(1, delayMs));
    this.#activityTimer.unref();
  }

  #onActivityTimer(): void {
    this.#activityTimer = undefined;
    if (!this.isOpen) return;
    const silentForMs = Date.now() - this.#lastActivityMs;
    const remainingMs = this.#options.activityTimeoutMs - silentForMs;
    if (remainingMs > 0) {
      this.#armActivityTimer(remainingMs);
      return;
    }
    this.send(PING_FRAME);
    this.#pongTimer = setTimeout(() => {
      this.#pongTimer = undefined;
      this.#options.onPongTimeout(this);
    }, this.#options.pongTimeoutMs);
    this.#pongTimer.unref();
  }
}
