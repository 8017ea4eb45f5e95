/**
 * @module adapters/redis/envelope
 * The messages nodes exchange on the pub/sub bus: a channel publish `{n, k:'p', a, c, f, x?, t?}`
 * (t = when the REST API accepted it, epoch milliseconds) or a
 * user termination `{n, k:'t', a, u}` (n = sending node id). Parsing never throws: anything else
 * yields undefined.
 */
import type { ChannelMessage } from '../adapter';

export type Envelope =
  | { readonly kind: 'publish'; readonly nodeId: string; readonly message: ChannelMessage }
  | {
      readonly kind: 'terminate';
      readonly nodeId: string;
      readonly appId: string;
      readonly userId: string;
    };

export function encodePublish(nodeId: string, message: ChannelMessage): string {
  return JSON.stringify({
    n: nodeId,
    k: 'p',
    a: message.appId,
    c: message.channel,
    f: message.frame,
    x: message.exceptSocketId,
    t: message.publishedAt,
  });
}

export function encodeTerminate(nodeId: string, appId: string, userId: string): string {
  return JSON.stringify({ n: nodeId, k: 't', a: appId, u: userId });
}

function field(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}

export function parseEnvelope(text: string): Envelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  const nodeId = field(record, 'n');
  const appId = field(record, 'a');
  if (nodeId === undefined || appId === undefined) return undefined;
  if (record['k'] === 'p') {
    const channel = field(record, 'c');
    const frame = field(record, 'f');
    if (channel === undefined || frame === undefined) return undefined;
    const except = field(record, 'x');
    const publishedAt = record['t'];
    const message: ChannelMessage = {
      appId,
      channel,
      frame,
      ...(except === undefined ? {} : { exceptSocketId: except }),
      ...(typeof publishedAt === 'number' && Number.isFinite(publishedAt) ? { publishedAt } : {}),
    };
    return { kind: 'publish', nodeId, message };
  }
  if (record['k'] === 't') {
    const userId = field(record, 'u');
    return userId === undefined ? undefined : { kind: 'terminate', nodeId, appId, userId };
  }
  return undefined;
}
