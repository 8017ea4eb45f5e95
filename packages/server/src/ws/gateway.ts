/**
 * @module ws/gateway
 * The WebSocket side of one node: accepts upgrades (noServer `ws`, one WebSocketServer per
 * distinct `maxFrameBytes`), runs the connection limits and handshake checks with Pusher close
 * codes, owns every {@link Connection}, charges each inbound frame to the connection's budget
 * (4100 past it) and dispatches client messages through each connection's task chain, cleans up
 * through the adapter on close, and implements the adapter's callbacks (fan-out to local
 * subscribers, user termination, cluster changes it did not cause, health).
 */

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type {
  AdapterHandlers,
  AdapterHealth,
  ChannelMessage,
  ClusterChange,
} from '../adapters/adapter';
import { serverToUserId } from '../channels/channel-kind';
import { applyClusterChanges } from '../channels/cluster-changes';
import { unsubscribe } from '../channels/subscribe-flow';
import type { ConnectionLimiter } from '../net/connection-limiter';
import type { ResolvedApp } from '../options';
import { CloseCode } from '../protocol/close-codes';
import { connectionEstablishedFrame, errorFrame } from '../protocol/frames';
import { Connection } from './connection';
import type { CoreContext } from './core-context';
import { isOriginAllowed, isSupportedProtocol, readHandshake, rejectUpgrade } from './handshake';
import { InboundBudget, inboundBudgetFor } from './inbound-budget';
import { handleFrame } from './message-dispatch';
import { createSocketIds } from './socket-id';

/** Frame size limit for upgrades whose key matches no app (they are closed right away). */
const UNKNOWN_APP_MAX_FRAME_BYTES = 4096;
/** How long a connection closed for flooding may take to finish the close handshake. */
const FLOODER_CLOSE_GRACE_MS = 1000;

export interface GatewayTiming {
  readonly activityTimeoutMs: number;
  readonly pongTimeoutMs: number;
  /** Deadline to sign in or join a private channel when an app requires user authentication. */
  readonly userAuthenticationTimeoutMs: number;
}

export class WsGateway implements AdapterHandlers {
  readonly #ctx: CoreContext;
  readonly #timing: GatewayTiming;
  readonly #limiter: ConnectionLimiter;
  readonly #servers = new Map<number, WebSocketServer>();
  readonly #socketIds = createSocketIds();
  /** Per connection: resolves once it closed and its adapter cleanup finished. */
  readonly #lifetimes = new Map<Connection, Promise<void>>();
  #draining = false;

  constructor(ctx: CoreContext, timing: GatewayTiming, limiter: ConnectionLimiter) {
    this.#ctx = ctx;
    this.#timing = timing;
    this.#limiter = limiter;
  }

  get connectionCount(): number {
    return this.#ctx.registry.connectionCount;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** The `upgrade` listener for a node:http server. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const handshake = readHandshake(request, this.#ctx.options.pathPrefix);
    if (handshake === undefined) {
      rejectUpgrade(socket, 404, 'WebSocket path must be /app/{key}');
      return;
    }
    const app = this.#ctx.apps.byKey(handshake.key);
    const server = this.#serverFor(app?.limits.maxFrameBytes ?? UNKNOWN_APP_MAX_FRAME_BYTES);
    server.handleUpgrade(request, socket, head, (ws) => {
      if (this.#draining) return refuse(ws, CloseCode.Reconnect, 'Server is shutting down');
      // Checked before any per-connection state exists; 4100 makes pusher-js back off and retry.
      const admission = this.#limiter.admitUpgrade(request, this.connectionCount);
      if (!admission.ok) {
        this.#ctx.metrics.inc('pushwire_errors_total', { kind: admission.reason });
        return refuse(ws, CloseCode.OverCapacity, 'Over capacity; reconnect later');
      }
      ws.once('close', admission.release);
      if (app === undefined) {
        return refuse(ws, CloseCode.AppNotFound, 'Application does not exist');
      }
      if (!app.enabled) return refuse(ws, CloseCode.AppDisabled, 'Application is disabled');
      if (!isSupportedProtocol(handshake.protocol)) {
        return refuse(ws, CloseCode.UnsupportedProtocol, 'Unsupported protocol version');
      }
      if (!isOriginAllowed(app.allowedOrigins, handshake.origin)) {
        return refuse(ws, CloseCode.Unauthorized, 'Origin not allowed');
      }
      this.#accept(ws, app);
    });
  }

  /** Stops accepting connections; new upgrades get 4200. */
  startDraining(): void {
    this.#draining = true;
  }

  /**
   * Sends 4200 to every connection (pusher-js reconnects at once, ideally elsewhere) and resolves
   * when their cleanup through the adapter finished.
   */
  async closeAll(): Promise<void> {
    this.#draining = true;
    for (const connection of this.#ctx.registry.connections()) {
      connection.closeWith(CloseCode.Reconnect, 'Server is shutting down; please reconnect');
    }
    await this.#settled();
  }

  /** Destroys sockets that did not finish their close handshake (after the shutdown timeout). */
  terminateAll(): void {
    for (const connection of this.#ctx.registry.connections()) connection.socket.terminate();
    for (const server of this.#servers.values()) {
      for (const client of server.clients) client.terminate();
      server.close();
    }
  }

  /** Resolves when every connection open now has closed and finished its cleanup. */
  async #settled(): Promise<void> {
    await Promise.allSettled([...this.#lifetimes.values()]);
  }

  // --- AdapterHandlers ----------------------------------------------------------------------

  deliver(message: ChannelMessage): void {
    const userId = serverToUserId(message.channel);
    const targets =
      userId === undefined
        ? this.#ctx.registry.subscribers(message.appId, message.channel)
        : this.#ctx.registry.userConnections(message.appId, userId);
    if (targets === undefined || targets.size === 0) return;
    // Encoded once for all recipients; the frame itself is never re-serialized.
    const payload = targets.size === 1 ? message.frame : Buffer.from(message.frame, 'utf8');
    for (const connection of targets) {
      if (connection.socketId !== message.exceptSocketId) connection.send(payload);
    }
  }

  terminateUser(appId: string, userId: string): void {
    const targets = this.#ctx.registry.userConnections(appId, userId);
    if (targets === undefined) return;
    for (const connection of [...targets]) {
      connection.closeWith(CloseCode.Unauthorized, 'Connection terminated by the server');
    }
  }

  clusterChanged(changes: readonly ClusterChange[]): void {
    applyClusterChanges(this.#ctx, changes, this.#socketIds.isOwn);
  }

  healthChanged(health: AdapterHealth): void {
    this.#ctx.metrics.set('pushwire_adapter_up', health.ok ? 1 : 0);
    if (health.ok) this.#ctx.logger.info('adapter healthy');
    else this.#ctx.logger.warn('adapter unhealthy', { detail: health.detail });
  }

  // --- connections --------------------------------------------------------------------------

  #serverFor(maxFrameBytes: number): WebSocketServer {
    let server = this.#servers.get(maxFrameBytes);
    if (server === undefined) {
      server = new WebSocketServer({
        noServer: true,
        maxPayload: maxFrameBytes,
        perMessageDeflate: false,
        clientTracking: true,
      });
      this.#servers.set(maxFrameBytes, server);
    }
    return server;
  }

  #accept(ws: WebSocket, app: ResolvedApp): void {
    const ctx = this.#ctx;
    const connection = new Connection({
      socket: ws,
      socketId: this.#socketIds.next(),
      app,
      activityTimeoutMs: this.#timing.activityTimeoutMs,
      pongTimeoutMs: this.#timing.pongTimeoutMs,
      maxBufferedBytes: ctx.options.maxBufferedBytes,
      onDropped: (reason) => ctx.metrics.inc('pushwire_dropped_messages_total', { reason }),
      onOverCapacity: () => ctx.metrics.inc('pushwire_errors_total', { kind: 'over_capacity' }),
      onSent: () => ctx.metrics.inc('pushwire_messages_sent_total'),
      onPongTimeout: () => {
        ctx.metrics.inc('pushwire_errors_total', { kind: 'pong_timeout' });
        connection.closeWith(CloseCode.PongTimeout, 'Pong reply not received in time');
      },
    });
    ctx.registry.addConnection(connection);
    ctx.metrics.set('pushwire_connections', ctx.registry.connectionCount);
    ctx.logger.debug('connection opened', { socketId: connection.socketId, appId: app.id });
    let counted = false;
    let finished: () => void = () => undefined;
    this.#lifetimes.set(
      connection,
      new Promise<void>((resolve) => {
        finished = resolve;
      }),
    );

    ws.on('message', this.#receiver(ws, connection));
    ws.on('pong', () => connection.touch());
    ws.on('error', (error: Error & { code?: string }) => {
      const tooBig = error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
      ctx.metrics.inc('pushwire_errors_total', { kind: tooBig ? 'frame_too_large' : 'socket' });
      ctx.logger.debug('websocket error', { socketId: connection.socketId, error: error.message });
    });
    ws.on('close', (code) => {
      ctx.logger.debug('connection closed', { socketId: connection.socketId, code });
      connection.closing = true;
      connection.stopTimers();
      ctx.registry.removeConnection(connection);
      if (connection.user !== undefined) ctx.registry.signOut(connection, connection.user.id);
      ctx.metrics.set('pushwire_connections', ctx.registry.connectionCount);
      const cleanup = connection.enqueue(
        async () => {
          for (const channel of [...connection.subscriptions.keys()]) {
            try {
              await unsubscribe(ctx, connection, channel);
            } catch (error) {
              ctx.logger.warn('cleanup failed', { channel, error: String(error) });
            }
          }
          if (counted) await ctx.adapter.removeConnection(app.id, connection.socketId);
        },
        (error) => ctx.logger.warn('connection cleanup failed', { error: String(error) }),
      );
      void cleanup.finally(() => {
        this.#lifetimes.delete(connection);
        finished();
      });
    });

    connection.enqueue(
      async () => {
        const total = await ctx.adapter.addConnection(app.id, connection.socketId);
        counted = true;
        if (app.limits.maxConnections > 0 && total > app.limits.maxConnections) {
          connection.closeWith(
            CloseCode.OverConnectionQuota,
            'Application is over connection quota',
          );
          return;
        }
        connection.send(
          connectionEstablishedFrame(connection.socketId, this.#handshakeActivityTimeoutSec()),
        );
        if (app.requireUserAuthentication) {
          connection.startAuthDeadline(this.#timing.userAuthenticationTimeoutMs, () => {
            ctx.metrics.inc('pushwire_errors_total', { kind: 'unauthorized' });
            connection.closeWith(
              CloseCode.Unauthorized,
              'Connection not authorized within the timeout: sign in or join a private channel',
            );
          });
        }
      },
      (error) => {
        ctx.logger.error('could not register connection', { error: String(error) });
        connection.closeWith(CloseCode.Reconnect, 'Server error; please reconnect');
      },
    );
  }

  /**
   * The `message` listener of a connection: each frame is charged to the connection's inbound
   * budget before it is parsed. The first frame over budget closes the connection with 4100 and
   * stops reading from it; frames already received after that are dropped and counted.
   */
  #receiver(ws: WebSocket, connection: Connection): (data: RawData, isBinary: boolean) => void {
    const ctx = this.#ctx;
    const budget = new InboundBudget(inboundBudgetFor(ctx.options, connection.app.limits));
    let overBudget = false;
    /** Frames dropped after the first one, added to the metric once the socket closes. */
    let droppedAfterClose = 0;
    return (data, isBinary) => {
      if (overBudget) {
        droppedAfterClose += 1;
        return;
      }
      if (budget.tryTake(rawDataBytes(data))) {
        handleFrame(ctx, connection, data, isBinary);
        return;
      }
      overBudget = true;
      ctx.metrics.inc('pushwire_dropped_messages_total', { reason: 'inbound_budget' });
      ctx.metrics.inc('pushwire_errors_total', { kind: 'inbound_budget' });
      ctx.logger.debug('connection over its inbound budget', { socketId: connection.socketId });
      connection.closeWith(
        CloseCode.OverCapacity,
        'Too many messages; reconnect later and send fewer',
      );
      ws.pause();
      ws.once('close', () => {
        if (droppedAfterClose === 0) return;
        const labels = { reason: 'inbound_budget' };
        ctx.metrics.inc('pushwire_dropped_messages_total', labels, droppedAfterClose);
      });
      setTimeout(() => ws.terminate(), FLOODER_CLOSE_GRACE_MS).unref();
    };
  }

  /** Whole seconds for the handshake (pusher-js needs a positive number). */
  #handshakeActivityTimeoutSec(): number {
    return Math.max(1, Math.round(this.#timing.activityTimeoutMs / 1000));
  }
}

/** Size of one received message, whatever shape `ws` delivered it in. */
function rawDataBytes(data: RawData): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (Array.isArray(data)) {
    let total = 0;
    for (const part of data) total += part.length;
    return total;
  }
  return data.byteLength;
}

/** Sends the error frame then closes with the same code, before a connection exists. */
function refuse(ws: WebSocket, code: number, message: string): void {
  ws.send(errorFrame(message, code));
  ws.close(code, message);
}
