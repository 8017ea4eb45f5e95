/**
 * @module transports/bun/bun-client-socket
 * A Bun.serve WebSocket as a {@link ClientSocket}. The same object is the socket's `data`: it
 * carries what the upgrade learned, the gateway's listener once open, and the release of the
 * peer's per-IP slot. A frame over the app's `maxFrameBytes` closes the socket with 1009, as `ws`
 * does (Bun's own `maxPayloadLength` is one value for the whole server).
 */

import type { ClientSocket, SocketListener, UpgradeRequest } from '../../core/client-socket';
import { WS_CLOSE_MESSAGE_TOO_BIG } from '../../protocol/close-codes';
import type { BunServerWebSocket } from './bun-api';

const OPEN = 1;
const TOO_BIG_REASON = 'Max payload size exceeded';
/** How Bun reports (code 1006) a socket it closed for a frame over `maxPayloadLength`. */
const BUN_TOO_BIG_REASON = 'Received too big message';

export class BunClientSocket implements ClientSocket {
  /** What the upgrade learned, until the socket is open. */
  #request: UpgradeRequest | undefined;
  readonly maxFrameBytes: number;
  readonly #releasePeer: () => void;
  #ws: BunServerWebSocket<BunClientSocket> | undefined;
  #listener: SocketListener | undefined;
  /** Open until close() is called or the socket closed (saves a native readyState read per frame). */
  #open = false;
  /** True after a send was queued behind backpressure, until Bun reports the socket drained. */
  #congested = false;

  constructor(request: UpgradeRequest, maxFrameBytes: number, releasePeer: () => void) {
    this.#request = request;
    this.maxFrameBytes = maxFrameBytes;
    this.#releasePeer = releasePeer;
  }

  /** The socket is open: `open` (the gateway's) returns the listener of its events. */
  opened(
    ws: BunServerWebSocket<BunClientSocket>,
    open: (socket: ClientSocket, request: UpgradeRequest) => SocketListener,
  ): void {
    const request = this.#request;
    if (request === undefined) return;
    this.#request = undefined;
    this.#ws = ws;
    this.#open = ws.readyState === OPEN;
    this.#listener = open(this, request);
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Asks Bun only while a send is known to be queued (an uncongested socket has nothing queued). */
  get bufferedBytes(): number {
    return this.#congested ? (this.#ws?.getBufferedAmount() ?? 0) : 0;
  }

  send(frame: string | Buffer): void {
    if (this.#ws === undefined) return;
    if (this.#ws.send(frame) <= 0) this.#congested = true;
  }

  close(code: number, reason: string): void {
    this.#open = false;
    this.#ws?.close(code, reason);
  }

  terminate(): void {
    this.#open = false;
    this.#ws?.terminate();
  }

  /** Bun could write again to this socket (some bytes may still be queued). */
  drained(): void {
    this.#congested = (this.#ws?.getBufferedAmount() ?? 0) > 0;
  }

  /** Bun cannot stop reading one socket: later frames still arrive and the gateway drops them. */
  pauseReading(): void {
    // Nothing to do: the socket is closing and terminated after the gateway's grace period.
  }

  message(data: string | Buffer): void {
    const listener = this.#listener;
    if (listener === undefined) return;
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (bytes > this.maxFrameBytes) {
      listener.onError(TOO_BIG_REASON, true);
      this.#ws?.close(WS_CLOSE_MESSAGE_TOO_BIG, TOO_BIG_REASON);
      return;
    }
    listener.onMessage(data, typeof data !== 'string');
  }

  pong(): void {
    this.#listener?.onPong();
  }

  closed(code: number, reason: string): void {
    this.#open = false;
    this.#releasePeer();
    if (reason === BUN_TOO_BIG_REASON) this.#listener?.onError(reason, true);
    this.#listener?.onClose(code);
    this.#listener = undefined;
  }
}
