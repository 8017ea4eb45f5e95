/**
 * @module handlers/message-dispatch
 * One inbound frame: counts it, answers `pusher:ping` at once, parses it, and queues everything else
 * on the connection's task chain (subscribe, unsubscribe, signin, client events) so that one
 * socket's messages are handled strictly in order. Every failure becomes the documented frame.
 */

import { SubscriptionError } from '../channels/subscription-error';
import type { Connection } from '../core/connection';
import type { ServerContext } from '../core/server-context';
import { recordRefusal } from '../observability/refusals';
import { type ClientMessage, parseClientMessage } from '../protocol/client-message';
import { errorFrame, PONG_FRAME, subscriptionErrorFrame } from '../protocol/frames';
import { ProtocolError } from '../protocol/protocol-error';
import { handleClientEvent } from './client-events';
import { handleSignin } from './signin';
import { subscribe, unsubscribe } from './subscribe-flow';

/** Handles one inbound WebSocket message of `connection`. Never throws. */
export function handleFrame(
  ctx: ServerContext,
  connection: Connection,
  data: string | Buffer,
  isBinary: boolean,
): void {
  connection.touch();
  connection.appMetrics.messagesReceived.inc();
  if (connection.closing) return;
  if (isBinary) {
    reportError(
      ctx,
      connection,
      new ProtocolError('binary_frame', 'Binary frames are not supported', null),
    );
    return;
  }
  let message: ClientMessage;
  try {
    message = parseClientMessage(rawText(data), connection.app.limits.maxJsonDepth);
  } catch (error) {
    reportError(ctx, connection, error);
    return;
  }
  switch (message.type) {
    case 'ping':
      connection.send(PONG_FRAME);
      return;
    case 'pong':
      return;
    default:
      break;
  }
  connection.enqueue(
    () => {
      if (connection.closing) return;
      switch (message.type) {
        case 'subscribe':
          return subscribe(ctx, connection, message);
        case 'unsubscribe':
          return unsubscribe(ctx, connection, message.channel);
        case 'signin':
          return handleSignin(ctx, connection, message);
        case 'client-event':
          return handleClientEvent(ctx, connection, message);
      }
    },
    (error) =>
      reportError(
        ctx,
        connection,
        error,
        message.type === 'subscribe' ? message.channel : undefined,
      ),
  );
}

/**
 * Turns a failure into frames: a fatal ProtocolError closes with its code; a refused subscription
 * gets `pusher:subscription_error` plus `pusher:error`; anything else a `pusher:error`. Bad client
 * input (a ProtocolError) is counted under its kind and logged at debug only, since any client can
 * produce it at will. Unexpected errors (server bugs) are logged at error level (without payloads)
 * and reported as "Internal server error".
 */
export function reportError(
  ctx: ServerContext,
  connection: Connection,
  error: unknown,
  channel?: string,
): void {
  if (!(error instanceof ProtocolError)) {
    ctx.metrics.inc('pushwire_errors_total', { kind: 'internal', app_id: connection.app.id });
    ctx.logger.error('message handling failed', {
      socketId: connection.socketId,
      error: error instanceof Error ? error.message : String(error),
    });
    if (channel !== undefined) {
      connection.send(subscriptionErrorFrame(channel, 'ServerError', 'Internal server error', 500));
    }
    connection.send(errorFrame('Internal server error', null));
    return;
  }
  ctx.metrics.inc('pushwire_errors_total', { kind: error.kind, app_id: connection.app.id });
  recordRefusal(ctx, {
    kind: error.kind,
    appId: connection.app.id,
    code: error instanceof SubscriptionError ? error.status : error.code,
    reason: error.message,
    detail: { socketId: connection.socketId, channel: channel?.slice(0, 200) },
  });
  if (error.fatal && error.code !== null) {
    connection.closeWith(error.code, error.message);
    return;
  }
  if (error instanceof SubscriptionError && channel !== undefined) {
    connection.send(subscriptionErrorFrame(channel, error.type, error.message, error.status));
  }
  connection.send(errorFrame(error.message, error.code));
}

function rawText(data: string | Buffer): string {
  return typeof data === 'string' ? data : data.toString('utf8');
}
