/**
 * @module ws/connection-session
 * What the gateway does with the events of one accepted socket, as one object per connection
 * (methods, no per-socket closures): each inbound frame is charged to the connection's inbound
 * budget before it is parsed (4100 past it), pongs count as activity, and on close the connection
 * leaves the local registry and its subscriptions and count are removed through the adapter.
 */

import { unsubscribe } from '../channels/subscribe-flow';
import { CloseCode } from '../protocol/close-codes';
import type { SocketListener } from '../transports/client-socket';
import type { Connection } from './connection';
import type { CoreContext } from './core-context';
import { InboundBudget, type InboundBudgetLimits } from './inbound-budget';
import type { LifetimeTracker } from './lifetime-tracker';
import { handleFrame } from './message-dispatch';

/** How long a connection closed for flooding may take to finish the close handshake. */
const FLOODER_CLOSE_GRACE_MS = 1000;

export class ConnectionSession implements SocketListener {
  readonly #ctx: CoreContext;
  readonly #connection: Connection;
  readonly #release: () => void;
  readonly #budget: InboundBudget;
  readonly #lifetimes: LifetimeTracker;
  #overBudget = false;
  /** Frames dropped after the first one over budget, added to the metric once the socket closes. */
  #droppedAfterClose = 0;
  /** True once the adapter counted the connection (it must then be removed on close). */
  counted = false;

  /**
   * @param release frees the connection's slot in the connection limits, on close.
   * @param lifetimes counts the connection until its close cleanup finished.
   * @param budget the inbound budget limits of the connection's app.
   */
  constructor(
    ctx: CoreContext,
    connection: Connection,
    release: () => void,
    lifetimes: LifetimeTracker,
    budget: InboundBudgetLimits,
  ) {
    this.#ctx = ctx;
    this.#connection = connection;
    this.#release = release;
    this.#budget = new InboundBudget(budget);
    this.#lifetimes = lifetimes;
    lifetimes.begin();
  }

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
    const ctx = this.#ctx;
    const connection = this.#connection;
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (this.#budget.tryTake(bytes)) {
      handleFrame(ctx, connection, data, isBinary);
      return;
    }
    this.#overBudget = true;
    ctx.metrics.inc('pushwire_dropped_messages_total', { reason: 'inbound_budget' });
    ctx.metrics.inc('pushwire_errors_total', { kind: 'inbound_budget' });
    ctx.logger.debug('connection over its inbound budget', { socketId: connection.socketId });
    connection.closeWith(
      CloseCode.OverCapacity,
      'Too many messages; reconnect later and send fewer',
    );
    connection.socket.pauseReading();
    setTimeout(() => connection.socket.terminate(), FLOODER_CLOSE_GRACE_MS).unref();
  }

  onPong(): void {
    this.#connection.touch();
  }

  onError(message: string, tooBig: boolean): void {
    this.#ctx.metrics.inc('pushwire_errors_total', { kind: tooBig ? 'frame_too_large' : 'socket' });
    this.#ctx.logger.debug('websocket error', {
      socketId: this.#connection.socketId,
      error: message,
    });
  }

  onClose(code: number): void {
    const ctx = this.#ctx;
    const connection = this.#connection;
    this.#release();
    if (this.#droppedAfterClose > 0) {
      const labels = { reason: 'inbound_budget' };
      ctx.metrics.inc('pushwire_dropped_messages_total', labels, this.#droppedAfterClose);
      this.#droppedAfterClose = 0;
    }
    ctx.logger.debug('connection closed', { socketId: connection.socketId, code });
    connection.closing = true;
    connection.stopTimers();
    ctx.registry.removeConnection(connection);
    if (connection.user !== undefined) ctx.registry.signOut(connection, connection.user.id);
    ctx.metrics.set('pushwire_connections', ctx.registry.connectionCount);
    const cleanup = connection.enqueue(
      () => this.#cleanUp(),
      (error) => ctx.logger.warn('connection cleanup failed', { error: String(error) }),
    );
    void cleanup.finally(() => this.#lifetimes.end());
  }

  /** Unsubscribes from every channel and removes the connection from the adapter's count. */
  async #cleanUp(): Promise<void> {
    const ctx = this.#ctx;
    const connection = this.#connection;
    for (const channel of [...connection.subscriptions.keys()]) {
      try {
        await unsubscribe(ctx, connection, channel);
      } catch (error) {
        ctx.logger.warn('cleanup failed', { channel, error: String(error) });
      }
    }
    if (this.counted) await ctx.adapter.removeConnection(connection.app.id, connection.socketId);
  }
}
