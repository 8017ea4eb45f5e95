/**
 * @module options/defaults
 * The server-wide option defaults and the development app served when no `apps` are configured.
 */
import type { AppOptions } from './types';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 6001;
export const DEFAULT_APP_ID = 'app-id';
export const DEFAULT_APP_KEY = 'app-key';
export const DEFAULT_APP_SECRET = 'app-secret';
/** Seconds of silence before the server pings a client (sent as `activity_timeout`). */
export const DEFAULT_ACTIVITY_TIMEOUT_SEC = 120;
/** Seconds the server waits for a `pusher:pong` before closing with 4201. */
export const DEFAULT_PONG_TIMEOUT_SEC = 30;
/** How long `close()` drains connections and webhooks before forcing them shut. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** Per-connection outbound buffer above which messages are dropped (backpressure cap). */
export const DEFAULT_MAX_BUFFERED_BYTES = 1_048_576;
/** Delay before `channel_vacated` / `member_removed` webhooks (Pusher waits up to 3 s). */
export const DEFAULT_VACATE_DELAY_MS = 3_000;
/** Window during which webhook events for one target are collected into a single POST. */
export const DEFAULT_WEBHOOK_BATCH_MS = 50;
/** Bytes of serialized webhook events queued by all apps together (waiting, in flight, retrying). */
export const DEFAULT_WEBHOOK_MAX_QUEUED_BYTES = 64 * 1_048_576;
/** Bytes of serialized webhook events one app may queue (all its targets together). */
export const DEFAULT_WEBHOOK_MAX_QUEUED_BYTES_PER_APP = 16 * 1_048_576;
/** Bytes of serialized webhook events one target of one app may queue. */
export const DEFAULT_WEBHOOK_MAX_QUEUED_BYTES_PER_TARGET = 8 * 1_048_576;
/** Webhook events one target of one app may queue. */
export const DEFAULT_WEBHOOK_MAX_QUEUED_EVENTS_PER_TARGET = 10_000;
/** Webhook requests (sockets) open at once toward one target of one app. */
export const DEFAULT_WEBHOOK_CONCURRENCY_PER_TARGET = 8;
/** Time allowed for one webhook POST (connect, response headers and body). */
export const DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS = 10_000;
/** Accepted clock skew of a REST request's `auth_timestamp` (Pusher: 600 s). */
export const DEFAULT_AUTH_TIMESTAMP_TOLERANCE_SEC = 600;
/**
 * WebSocket connections on this node, all apps together; `0` = unlimited. Unlimited by default: the
 * right cap depends on the machine (file descriptors, memory), and the per-IP limit already stops
 * one address from taking every socket.
 */
export const DEFAULT_MAX_CONNECTIONS = 0;
/**
 * Open sockets per client IP (HTTP and WebSocket); `0` = unlimited. Generous for offices and
 * mobile carriers behind one address, small enough that one address cannot take a 1,024-fd node.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 256;
/** Deadline to receive a request's headers and body (Node's own default is 300 s). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Inbound frames per second per connection (token refill); `0` = unlimited. */
export const DEFAULT_INBOUND_FRAMES_PER_SECOND = 100;
/** Inbound frames a connection may send at once (e.g. resubscribing to every channel on reconnect). */
export const DEFAULT_INBOUND_FRAME_BURST = 1_000;
/** Inbound bytes per second per connection (token refill); `0` = unlimited. */
export const DEFAULT_INBOUND_BYTES_PER_SECOND = 1_048_576;
/** Inbound bytes a connection may send at once (raised to two `maxFrameBytes` frames if larger). */
export const DEFAULT_INBOUND_BYTE_BURST = 8_388_608;

/**
 * The development app used when no `apps` are configured. Unlike configured apps (off unless they
 * enable them, as on Pusher) it allows client events, so local experiments work out of the box.
 */
export const DEFAULT_APP: AppOptions = Object.freeze({
  id: DEFAULT_APP_ID,
  key: DEFAULT_APP_KEY,
  secret: DEFAULT_APP_SECRET,
  enableClientMessages: true,
});

/** Deadline to sign in or join a private channel under `requireUserAuthentication`. */
export const DEFAULT_USER_AUTHENTICATION_TIMEOUT_MS = 30_000;
