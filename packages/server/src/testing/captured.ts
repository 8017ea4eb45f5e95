/**
 * @module testing/captured
 * What a test server records and how tests pick from it: {@link CapturedEvent} (an event published
 * through the REST API or by a client, per channel), {@link CapturedWebhook} (one event of a
 * verified webhook), their filters, and the text that names a filter in a timeout error.
 */
import type { WebhookEvent } from '@pushwire/sdk';
import type { PublishedEvent } from '../observability/published-event';

/** An event the server accepted, on one channel. */
export interface CapturedEvent extends PublishedEvent {
  /** `data` parsed as JSON; undefined when it is not valid JSON. */
  readonly json: unknown;
  /** When the server accepted it (`Date.now()`). */
  readonly at: number;
}

/** One event of a webhook the test server's receiver got and verified with the SDK. */
export type CapturedWebhook = WebhookEvent & {
  /** The webhook's `time_ms`. */
  readonly timeMs: number;
};

/** A string must be equal; a RegExp must match. */
export type TextMatcher = string | RegExp;

/** Which captured event to wait for or list. Every given field must match. */
export interface EventFilter {
  readonly channel?: TextMatcher;
  /** The event name. */
  readonly name?: TextMatcher;
  readonly source?: 'api' | 'client';
  /** Any further condition. */
  readonly where?: (event: CapturedEvent) => boolean;
}

/** Which captured webhook event to wait for or list. Every given field must match. */
export interface WebhookFilter {
  /** The webhook event name: `channel_occupied`, `member_added`, `client_event`, ... */
  readonly name?: WebhookEvent['name'];
  readonly channel?: TextMatcher;
  /** `client_event` only: the client event's name. */
  readonly event?: TextMatcher;
  /** Any further condition. */
  readonly where?: (webhook: CapturedWebhook) => boolean;
}

function matchesText(matcher: TextMatcher | undefined, value: string | undefined): boolean {
  if (matcher === undefined) return true;
  if (value === undefined) return false;
  if (typeof matcher === 'string') return matcher === value;
  matcher.lastIndex = 0;
  return matcher.test(value);
}

export function eventMatcher(filter: EventFilter): (event: CapturedEvent) => boolean {
  return (event) =>
    matchesText(filter.channel, event.channel) &&
    matchesText(filter.name, event.name) &&
    (filter.source === undefined || filter.source === event.source) &&
    (filter.where === undefined || filter.where(event));
}

export function webhookMatcher(filter: WebhookFilter): (webhook: CapturedWebhook) => boolean {
  return (webhook) =>
    (filter.name === undefined || filter.name === webhook.name) &&
    matchesText(filter.channel, webhook.channel) &&
    matchesText(filter.event, webhook.name === 'client_event' ? webhook.event : undefined) &&
    (filter.where === undefined || filter.where(webhook));
}

/** `{ channel: "orders", name: /^created/, where: <function> }`, or `any` for an empty filter. */
export function describeFilter(filter: EventFilter | WebhookFilter): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (typeof value === 'function') parts.push(`${key}: <function>`);
    else if (value instanceof RegExp) parts.push(`${key}: ${String(value)}`);
    else parts.push(`${key}: ${JSON.stringify(value)}`);
  }
  return parts.length === 0 ? 'any filter ({})' : `{ ${parts.join(', ')} }`;
}

/** `data` as JSON, or undefined. */
export function parseJson(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

export function eventLabel(event: CapturedEvent): string {
  return `${event.channel}/${event.name}`;
}

export function webhookLabel(webhook: CapturedWebhook): string {
  const detail = webhook.name === 'client_event' ? `/${webhook.event}` : '';
  return `${webhook.name}(${webhook.channel}${detail})`;
}

export function eventSize(event: CapturedEvent): number {
  return event.channel.length + event.name.length + event.data.length;
}

export function webhookSize(webhook: CapturedWebhook): number {
  return webhook.channel.length + (webhook.name === 'client_event' ? webhook.data.length : 0);
}
