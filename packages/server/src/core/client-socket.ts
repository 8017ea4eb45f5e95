/**
 * @module core/client-socket
 * The seam between the protocol core and a WebSocket implementation: what a {@link Connection}
 * and the gateway may do with a client's socket ({@link ClientSocket}), and what a transport reports
 * back about it ({@link SocketListener}). The core never sees the library behind either.
 */

/** One open client WebSocket, as the protocol core uses it. */
export interface ClientSocket {
  /** True while frames can be sent (the close handshake has not started). */
  readonly isOpen: boolean;
  /** Bytes queued for this socket that the peer has not taken yet (backpressure). */
  readonly bufferedBytes: number;
  /** Sends one text frame (a Buffer holds the frame's UTF-8 bytes). */
  send(frame: string | Buffer): void;
  /** Starts the close handshake with a WebSocket close code and reason (≤ 123 bytes). */
  close(code: number, reason: string): void;
  /** Drops the connection at once, without a close handshake. */
  terminate(): void;
  /** Stops reading from the peer where the transport can (frames already received still arrive). */
  pauseReading(): void;
}

/** What a transport reports about one socket, to the listener the gateway gave it. */
export interface SocketListener {
  /** One complete message: text as a string or its UTF-8 bytes, binary flagged. */
  onMessage(data: string | Buffer, isBinary: boolean): void;
  /** A WebSocket pong frame arrived. */
  onPong(): void;
  /** A transport-level error (`tooBig`: a frame over the payload limit). The close follows. */
  onError(message: string, tooBig: boolean): void;
  /** The socket is closed (after the handshake or abruptly); called once. */
  onClose(code: number): void;
}

/** What a transport knows about an upgrade once its WebSocket is open. */
export interface UpgradeRequest {
  /** The app key from `/app/{key}`. */
  readonly key: string;
  /** The `protocol` query parameter, undefined when absent. */
  readonly protocol: string | undefined;
  readonly origin: string | undefined;
  /** The TCP peer's address. */
  readonly remoteAddress: string | undefined;
  /** The `X-Forwarded-For` header (read only when the peer is a trusted proxy). */
  readonly forwardedFor: string | readonly string[] | undefined;
}
