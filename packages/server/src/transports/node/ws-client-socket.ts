/**
 * @module transports/node/ws-client-socket
 * A `ws` WebSocket as a {@link ClientSocket}: text frames, `bufferedAmount` for backpressure,
 * close / terminate / pause.
 */

import type { WebSocket } from 'ws';
import type { ClientSocket } from '../../core/client-socket';

/** Send options: a Buffer is still a text frame (fan-out encodes the frame to UTF-8 once). */
const TEXT_FRAME = Object.freeze({ binary: false });

export class WsClientSocket implements ClientSocket {
  readonly #ws: WebSocket;

  constructor(ws: WebSocket) {
    this.#ws = ws;
  }

  get isOpen(): boolean {
    return this.#ws.readyState === this.#ws.OPEN;
  }

  get bufferedBytes(): number {
    return this.#ws.bufferedAmount;
  }

  send(frame: string | Buffer): void {
    this.#ws.send(frame, TEXT_FRAME);
  }

  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
  }

  terminate(): void {
    this.#ws.terminate();
  }

  pauseReading(): void {
    this.#ws.pause();
  }
}
