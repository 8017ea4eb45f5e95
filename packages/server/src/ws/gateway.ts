/**
 * @module ws/gateway
 * The WebSocket side of one node, whatever transport carries it: checks each opened socket
 * (draining, connection limits, app, protocol, origin) with Pusher close codes, owns every
 * {@link Connection} (which handles its socket's events) and the node's timing wheel for their
 * deadlines, and implements the adapter's callbacks (fan-out to local subscribers, user
 * termination, cluster changes it did not cause, health). Transports hand it a
 * {@link ClientSocket} and feed the {@link SocketListener} it returns.
 */

import { serverToUserId } from '@pushwire/sdk';
import type {
  AdapterHandlers,
  AdapterHealth,
  ChannelMessage,
  ClusterChange,
} from '../adapters/adapter';
import type { AppsChange } from '../apps/served-apps';
import type { ClientSocket, SocketListener, UpgradeRequest } from '../core/client-socket';
import { type AppShared, Connection, type ConnectionSettings } from '../core/connection';
import { inboundBudgetFor } from '../core/inbound-budget';
import { LifetimeTracker } from '../core/lifetime-tracker';
import type { ServerContext } from '../core/server-context';
import { TimingWheel } from '../core/timing-wheel';
import { applyClusterChanges } from '../handlers/cluster-changes';
import { handleFrame } from '../handlers/message-dispatch';
import { unsubscribe } from '../handlers/subscribe-flow';
import {
  applyRosterChanges,
  deliverStatus,
  isStatusMessage,
  stopWatching,
} from '../handlers/watchlist-flow';
import type { ConnectionLimiter } from '../net/connection-limiter';
import { recordRefusal } from '../observability/refusals';
import type { ResolvedApp } from '../options';
import { CloseCode } from '../protocol/close-codes';
import { connectionEstablishedFrame, errorFrame } from '../protocol/frames';
import { isOriginAllowed, isSupportedProtocol } from './handshake';
import { createSocketIds } from './socket-id';

/** The coarsest resolution of connection deadlines (ticks are finer when a timeout is short). */
const MAX_WHEEL_TICK_MS = 1000;

/** Frame size limit for upgrades whose key matches no app (they are closed right away). */
export const UNKNOWN_APP_MAX_FRAME_BYTES = 4096;

export interface GatewayTiming {
  readonly activityTimeoutMs: number;
  readonly pongTimeoutMs: number;
  /** Deadline to sign in or join a private channel when an app requires user authentication. */
  readonly userAuthenticationTimeoutMs: number;
}

export class WsGateway implements AdapterHandlers {
  readonly #ctx: ServerContext;
  readonly #timing: GatewayTiming;
  readonly #limiter: ConnectionLimiter;
  readonly #socketIds = createSocketIds();
  /** Connections not yet closed and cleaned up (shutdown waits for them). */
  readonly #lifetimes = new LifetimeTracker();
  /** Every connection's next deadline (activity ping, pong, sign-in). */
  readonly #wheel: TimingWheel<Connection>;
  /** Shared by every connection: timings, buffer cap, metric hooks. */
  readonly #connectionSettings: ConnectionSettings;
  /**
   * Inbound budget limits and metric series per app, made on its first connection (apps are
   * configured: few).
   */
  readonly #shared = new Map<ResolvedApp, AppShared>();
  #draining = false;

  constructor(ctx: ServerContext, timing: GatewayTiming, limiter: ConnectionLimiter) {
    this.#ctx = ctx;
    this.#timing = timing;
    this.#limiter = limiter;
    const { metrics } = ctx;
    const backpressureDrops = metrics.series('pushwire_dropped_messages_total', {
      reason: 'backpressure',
    });
    const shortest = Math.min(
      timing.activityTimeoutMs,
      timing.pongTimeoutMs,
      timing.userAuthenticationTimeoutMs,
    );
    this.#wheel = new TimingWheel(Math.min(MAX_WHEEL_TICK_MS, Math.max(1, shortest / 8)));
    this.#connectionSettings = {
      ctx,
      activityTimeoutMs: timing.activityTimeoutMs,
      pongTimeoutMs: timing.pongTimeoutMs,
      maxBufferedBytes: ctx.options.maxBufferedBytes,
      wheel: this.#wheel,
      lifetimes: this.#lifetimes,
      // Per dropped frame of a slow reader, inside a fan-out: a cached series, no key per call.
      onDropped: () => backpressureDrops.inc(),
      onOverCapacity: (connection) =>
        metrics.inc('pushwire_errors_total', {
          kind: 'over_capacity',
          app_id: connection.app.id,
        }),
      onPongTimeout: (connection) => {
        metrics.inc('pushwire_errors_total', { kind: 'pong_timeout', app_id: connection.app.id });
        connection.closeWith(CloseCode.PongTimeout, 'Pong reply not received in time');
      },
      onAuthDeadline: (connection) => {
        metrics.inc('pushwire_errors_total', { kind: 'unauthorized', app_id: connection.app.id });
        connection.closeWith(
          CloseCode.Unauthorized,
          'Connection not authorized within the timeout: sign in or join a private channel',
        );
      },
      handleFrame: (connection, data, isBinary) => handleFrame(ctx, connection, data, isBinary),
      unsubscribe: (connection, channel) => unsubscribe(ctx, connection, channel),
      stopWatching: (connection) => stopWatching(ctx, connection),
    };
  }

  get connectionCount(): number {
    return this.#ctx.registry.connectionCount;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** The payload limit for an upgrade to the app with `key` (unknown keys get a small one). */
  maxFrameBytesFor(key: string): number {
    return this.#ctx.apps.byKey(key)?.limits.maxFrameBytes ?? UNKNOWN_APP_MAX_FRAME_BYTES;
  }

  /**
   * Takes a freshly opened WebSocket: refuses it with the Pusher close code when the node is
   * draining, over a connection limit, or the app, protocol or origin is not served; otherwise
   * creates its {@link Connection}. The transport feeds the returned listener until the close.
   */
  open(socket: ClientSocket, request: UpgradeRequest): SocketListener {
    const refuse = (
      kind: string,
      code: number,
      message: string,
      appId?: string,
      release: () => void = NOTHING_TO_RELEASE,
    ): SocketListener => {
      recordRefusal(this.#ctx, {
        kind,
        appId,
        code,
        reason: message,
        detail: { remoteAddress: request.remoteAddress, key: request.key.slice(0, 64) },
      });
      return refuseSocket(socket, code, message, release);
    };
    if (this.#draining) {
      return refuse('shutting_down', CloseCode.Reconnect, 'Server is shutting down');
    }
    // Checked before any per-connection state exists; 4100 makes pusher-js back off and retry.
    const admission = this.#limiter.admitUpgrade(
      request.remoteAddress,
      request.forwardedFor,
      this.connectionCount,
    );
    const app = this.#ctx.apps.byKey(request.key);
    if (!admission.ok) {
      this.#ctx.metrics.inc('pushwire_errors_total', {
        kind: admission.reason,
        app_id: app?.id ?? '',
      });
      return refuse(
        admission.reason,
        CloseCode.OverCapacity,
        'Over capacity; reconnect later',
        app?.id,
      );
    }
    const { release } = admission;
    if (app === undefined) {
      return refuse(
        'unknown_app',
        CloseCode.AppNotFound,
        'Application does not exist',
        undefined,
        release,
      );
    }
    if (!app.enabled) {
      return refuse(
        'app_disabled',
        CloseCode.AppDisabled,
        'Application is disabled',
        app.id,
        release,
      );
    }
    if (!isSupportedProtocol(request.protocol)) {
      const message = 'Unsupported protocol version';
      return refuse(
        'unsupported_protocol',
        CloseCode.UnsupportedProtocol,
        message,
        app.id,
        release,
      );
    }
    if (!isOriginAllowed(app.allowedOrigins, request.origin)) {
      return refuse(
        'origin_not_allowed',
        CloseCode.Unauthorized,
        'Origin not allowed',
        app.id,
        release,
      );
    }
    return this.#accept(socket, app, release);
  }

  /**
   * Follows a change of the app set: connections of a removed app are closed with 4001, those of
   * an app now disabled with 4003 (pusher-js does not reconnect); the others get their app's new
   * settings (a rotated secret checks their next subscriptions). Budgets made for replaced app
   * settings are dropped (open connections keep theirs).
   */
  appsReplaced(change: AppsChange): void {
    // Only added apps: no open connection is concerned.
    if (change.removed.length === 0 && change.changed.length === 0) return;
    const apps = this.#ctx.apps;
    for (const connection of [...this.#ctx.registry.connections()]) {
      const next = apps.byId(connection.app.id);
      if (next === undefined) {
        connection.closeWith(CloseCode.AppNotFound, 'Application was removed');
      } else if (!next.enabled) {
        connection.closeWith(CloseCode.AppDisabled, 'Application is disabled');
      } else {
        connection.app = next;
      }
    }
    for (const app of [...this.#shared.keys()]) {
      if (apps.byId(app.id) !== app) this.#shared.delete(app);
    }
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

  /**
   * Destroys connections that did not finish their close handshake (after the shutdown timeout).
   * Sockets refused before they became connections are the transport's to terminate.
   */
  terminateAll(): void {
    for (const connection of this.#ctx.registry.connections()) connection.socket.terminate();
  }

  /** Resolves when every connection open now has closed and finished its cleanup. */
  async #settled(): Promise<void> {
    await this.#lifetimes.settled();
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
    const except = message.exceptSocketId;
    let sent = 0;
    if (isStatusMessage(message)) {
      sent = deliverStatus(targets, message, payload);
    } else {
      for (const connection of targets) {
        if (connection.socketId !== except && connection.deliver(payload)) sent += 1;
      }
    }
    // Counted once per fan-out rather than once per recipient.
    if (sent === 0) return;
    const series = this.#ctx.metrics.apps.of(message.appId);
    series.messagesSent.inc(sent);
    const publishedAt = message.publishedAt;
    if (publishedAt !== undefined) {
      // Wall clock: the publish may come from another node (whose clock should be in sync).
      const seconds = (performance.timeOrigin + performance.now() - publishedAt) / 1000;
      series.deliveryLatency.observe(Math.max(seconds, 0));
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
    const isOwn = this.#socketIds.isOwn;
    applyClusterChanges(this.#ctx, applyRosterChanges(this.#ctx, changes, isOwn), isOwn);
  }

  healthChanged(health: AdapterHealth): void {
    this.#ctx.metrics.set('pushwire_adapter_up', health.ok ? 1 : 0);
    if (health.ok) this.#ctx.logger.info('adapter healthy');
    else this.#ctx.logger.warn('adapter unhealthy', { detail: health.detail });
  }

  // --- connections --------------------------------------------------------------------------

  #accept(socket: ClientSocket, app: ResolvedApp, release: () => void): SocketListener {
    const ctx = this.#ctx;
    const connection = new Connection({
      socket,
      socketId: this.#socketIds.next(),
      app,
      settings: this.#connectionSettings,
      shared: this.#sharedFor(app),
      release,
    });
    ctx.registry.addConnection(connection);
    connection.appMetrics.connections.inc();
    ctx.logger.debug('connection opened', { socketId: connection.socketId, appId: app.id });
    ctx.debug?.connectionOpened(app.id, connection.socketId);
    connection.enqueue(
      async () => {
        const total = await ctx.adapter.addConnection(app.id, connection.socketId);
        connection.counted = true;
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
          connection.startAuthDeadline(this.#timing.userAuthenticationTimeoutMs);
        }
      },
      (error) => {
        ctx.logger.error('could not register connection', { error: String(error) });
        connection.closeWith(CloseCode.Reconnect, 'Server error; please reconnect');
      },
    );
    return connection;
  }

  #sharedFor(app: ResolvedApp): AppShared {
    let shared = this.#shared.get(app);
    if (shared === undefined) {
      shared = {
        budget: inboundBudgetFor(this.#ctx.options, app.limits),
        metrics: this.#ctx.metrics.apps.of(app.id),
      };
      this.#shared.set(app, shared);
    }
    return shared;
  }

  /** Whole seconds for the handshake (pusher-js needs a positive number). */
  #handshakeActivityTimeoutSec(): number {
    return Math.max(1, Math.round(this.#timing.activityTimeoutMs / 1000));
  }
}

/** A listener for a socket refused before it became a connection: it only waits for the close. */
function refusedListener(release: () => void): SocketListener {
  return {
    onMessage: () => undefined,
    onPong: () => undefined,
    onError: () => undefined,
    onClose: release,
  };
}

const NOTHING_TO_RELEASE = (): void => undefined;

/** Sends the error frame then closes with the same code, before a connection exists. */
function refuseSocket(
  socket: ClientSocket,
  code: number,
  message: string,
  release: () => void = NOTHING_TO_RELEASE,
): SocketListener {
  socket.send(errorFrame(message, code));
  socket.close(code, message);
  return refusedListener(release);
}
