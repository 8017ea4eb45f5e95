/**
 * @module protocol/client-message
 * Parses one inbound text frame into a typed client message (Pusher WebSocket protocol 7:
 * `pusher:ping`, `pusher:pong`, `pusher:subscribe`, `pusher:unsubscribe`, `pusher:signin`,
 * `client-*`). Anything else becomes a {@link ProtocolError}; nothing here throws anything else.
 */

import { CloseCode } from './close-codes';
import { exceedsJsonDepth } from './json-depth';
import { ProtocolError } from './protocol-error';

export type ClientMessage =
  | { readonly type: 'ping' }
  | { readonly type: 'pong' }
  | {
      readonly type: 'subscribe';
      readonly channel: string;
      readonly auth: string | undefined;
      /** The exact `channel_data` string the client sent (signed as is, never re-serialized). */
      readonly channelData: string | undefined;
    }
  | { readonly type: 'unsubscribe'; readonly channel: string }
  | { readonly type: 'signin'; readonly auth: string; readonly userData: string }
  | {
      readonly type: 'client-event';
      readonly event: string;
      readonly channel: string;
      /**
       * `data` as sent: a string, or any JSON value that is serialized only once the event is
       * accepted (never for a refused one).
       */
      readonly data: unknown;
    };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `data` of a pusher:* event as an object; clients may send it double-encoded too. */
function dataObject(envelope: JsonObject): JsonObject {
  const data = envelope['data'];
  if (isObject(data)) return data;
  if (typeof data === 'string') {
    try {
      const parsed: unknown = JSON.parse(data);
      if (isObject(parsed)) return parsed;
    } catch {
      // fall through to the error below
    }
  }
  throw new ProtocolError(
    'invalid_message',
    `"${String(envelope['event'])}" needs an object "data"`,
    null,
  );
}

function requiredString(data: JsonObject, field: string, event: string): string {
  const value = data[field];
  if (typeof value !== 'string') {
    throw new ProtocolError('invalid_message', `"${event}" needs a string "${field}"`, null);
  }
  return value;
}

function optionalString(data: JsonObject, field: string, event: string): string | undefined {
  const value = data[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new ProtocolError(
      'invalid_message',
      `"${event}" field "${field}" must be a string`,
      null,
    );
  }
  return value;
}

/**
 * Parses `text`. A text nesting objects or arrays more than `maxJsonDepth` levels (the envelope
 * is level 1) is refused before it is parsed.
 */
export function parseClientMessage(text: string, maxJsonDepth: number): ClientMessage {
  if (exceedsJsonDepth(text, maxJsonDepth)) {
    throw new ProtocolError(
      'message_too_deep',
      `Invalid message: JSON nested deeper than ${maxJsonDepth} levels`,
      CloseCode.ClientEventRejected,
    );
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    throw new ProtocolError(
      'malformed_json',
      'Invalid JSON: every frame must be one JSON object',
      null,
    );
  }
  if (!isObject(envelope)) {
    throw new ProtocolError(
      'malformed_json',
      'Invalid message: every frame must be one JSON object',
      null,
    );
  }
  const event = envelope['event'];
  if (typeof event !== 'string' || event === '') {
    throw new ProtocolError('invalid_message', 'Invalid message: missing string "event"', null);
  }
  switch (event) {
    case 'pusher:ping':
      return { type: 'ping' };
    case 'pusher:pong':
      return { type: 'pong' };
    case 'pusher:subscribe': {
      const data = dataObject(envelope);
      return {
        type: 'subscribe',
        channel: requiredString(data, 'channel', event),
        auth: optionalString(data, 'auth', event),
        channelData: optionalString(data, 'channel_data', event),
      };
    }
    case 'pusher:unsubscribe':
      return {
        type: 'unsubscribe',
        channel: requiredString(dataObject(envelope), 'channel', event),
      };
    case 'pusher:signin': {
      let data: JsonObject;
      try {
        data = dataObject(envelope);
        return {
          type: 'signin',
          auth: requiredString(data, 'auth', event),
          userData: requiredString(data, 'user_data', event),
        };
      } catch (error) {
        const message = error instanceof Error ? error.message : 'invalid signin';
        throw new ProtocolError('signin_failed', message, CloseCode.Unauthorized, { fatal: true });
      }
    }
    default:
      break;
  }
  if (event.startsWith('client-')) {
    const channel = envelope['channel'];
    if (typeof channel !== 'string') {
      throw new ProtocolError(
        'client_event_rejected',
        'Client event needs a string "channel"',
        CloseCode.ClientEventRejected,
      );
    }
    return { type: 'client-event', event, channel, data: envelope['data'] };
  }
  throw new ProtocolError('unknown_event', `Unsupported event "${truncate(event)}"`, null);
}

const MAX_ECHOED_NAME_CHARS = 64;

function truncate(value: string): string {
  return value.length > MAX_ECHOED_NAME_CHARS ? `${value.slice(0, MAX_ECHOED_NAME_CHARS)}…` : value;
}
