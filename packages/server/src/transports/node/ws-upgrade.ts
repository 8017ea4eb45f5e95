/**
 * @module transports/node/ws-upgrade
 * WebSocket upgrades on a node:http server with `ws` (noServer, one WebSocketServer per distinct
 * `maxFrameBytes`): a path that is not `/app/{key}` gets a plain HTTP 404, anything else is
 * upgraded and handed to the gateway, whose listener receives the socket's events.
 */

import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { SocketListener, UpgradeRequest } from '../../core/client-socket';
import type { WsGateway } from '../../ws/gateway';
import { readHandshake } from '../../ws/handshake';
import { WsClientSocket } from './ws-client-socket';

/** `ws`'s error code for a frame over `maxPayload`. */
const FRAME_TOO_LARGE = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/** Where a socket keeps the gateway's listener, so that one set of `ws` listeners serves all. */
const LISTENER = Symbol('pushwire.listener');
type ListenedWebSocket = WebSocket & { [LISTENER]: SocketListener };

function listenerOf(ws: WebSocket): SocketListener {
  return (ws as ListenedWebSocket)[LISTENER];
}

function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  listenerOf(this).onMessage(messageBytes(data), isBinary);
}

function onPong(this: WebSocket): void {
  listenerOf(this).onPong();
}

function onError(this: WebSocket, error: Error & { code?: string }): void {
  listenerOf(this).onError(error.message, error.code === FRAME_TOO_LARGE);
}

function onClose(this: WebSocket, code: number): void {
  listenerOf(this).onClose(code);
}

/** A socket error before or after the upgrade ends the socket (a shared function, no closure). */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

export class WsUpgrades {
  readonly #gateway: WsGateway;
  readonly #pathPrefix: string;
  readonly #servers = new Map<number, WebSocketServer>();

  constructor(gateway: WsGateway, pathPrefix: string) {
    this.#gateway = gateway;
    this.#pathPrefix = pathPrefix;
  }

  /** The `upgrade` listener for a node:http server. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', destroyOnError);
    const handshake = readHandshake(request.url ?? '/', request.headers.origin, this.#pathPrefix);
    if (handshake === undefined) {
      rejectUpgrade(socket, 404, 'WebSocket path must be /app/{key}');
      return;
    }
    const server = this.#serverFor(this.#gateway.maxFrameBytesFor(handshake.key));
    // Only these values outlive the upgrade: the callback must not keep `request` reachable.
    const opened = {
      ...handshake,
      remoteAddress: request.socket.remoteAddress,
      forwardedFor: request.headers['x-forwarded-for'],
    };
    server.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, opened));
  }

  #accept(ws: WebSocket, opened: UpgradeRequest): void {
    (ws as ListenedWebSocket)[LISTENER] = this.#gateway.open(new WsClientSocket(ws), opened);
    ws.on('message', onMessage);
    ws.on('pong', onPong);
    ws.on('error', onError);
    ws.on('close', onClose);
  }

  /** Destroys every socket still open (after the shutdown timeout) and closes the servers. */
  terminateAll(): void {
    for (const server of this.#servers.values()) {
      for (const client of server.clients) client.terminate();
      server.close();
    }
  }

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
}

/** One received message as one Buffer, whatever shape `ws` delivered it in. */
function messageBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Answers an upgrade that cannot be served with a plain HTTP response and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ error: reason });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
