/**
 * @module console/close-reasons
 * A short human description of a WebSocket close code, for the console's "connection closed"
 * lines when the code arrived without a reason.
 */

const REASONS: Readonly<Record<number, string>> = {
  1000: 'normal closure',
  1001: 'going away (page closed or navigated)',
  1005: 'closed without a status',
  1006: 'connection lost (no close frame)',
  1009: 'frame too large',
  4001: 'app not found',
  4003: 'app disabled',
  4004: 'over connection quota',
  4007: 'unsupported protocol version',
  4009: 'unauthorized',
  4100: 'over capacity',
  4200: 'server asked to reconnect',
  4201: 'pong not received in time',
};

/** The description of `code`, or `close code N`. */
export function describeCloseCode(code: number): string {
  return REASONS[code] ?? `close code ${code}`;
}
