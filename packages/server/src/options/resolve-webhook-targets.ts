/**
 * @module options/resolve-webhook-targets
 * Validates webhook targets (URL, event filter, headers, channel prefix) and fills defaults. A URL's
 * `user:password@` becomes an `Authorization: Basic` header and is removed from the URL.
 */

import { ServerConfigError } from '../config-error';
import { splitWebhookUrlCredentials } from '../net/webhook-url';
import { type ResolvedWebhookTarget, WEBHOOK_EVENT_NAMES, type WebhookEventName } from './types';
import { readArray, readHttpUrl, readObject, rejectUnknownKeys, typeOf } from './validate';

const WEBHOOK_TARGET_KEYS: readonly string[] = [
  'url',
  'events',
  'headers',
  'channelPrefix',
  'channelSuffix',
];

/** Header names a webhook target may not set: the dispatcher owns them. */
const RESERVED_WEBHOOK_HEADERS = new Set(['content-type', 'x-pusher-key', 'x-pusher-signature']);
/** Header names of the HTTP framing, which only the HTTP client may set. */
const HOP_BY_HOP_HEADERS = new Set([
  'connection',
  'content-length',
  'expect',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const HEADER_NAME_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function resolveEvents(value: unknown, option: string): readonly WebhookEventName[] {
  if (value === undefined) return WEBHOOK_EVENT_NAMES;
  const list = readArray(value, option);
  list.forEach((name, index) => {
    if (!WEBHOOK_EVENT_NAMES.includes(name as WebhookEventName)) {
      throw new ServerConfigError(
        `${option}[${index}]`,
        `must be one of ${WEBHOOK_EVENT_NAMES.join(', ')}`,
      );
    }
  });
  return Object.freeze([...new Set(list as WebhookEventName[])]);
}

function resolveHeaders(value: unknown, option: string): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  if (value !== undefined) {
    for (const [name, header] of Object.entries(readObject(value, option))) {
      const headerOption = `${option}.${name}`;
      if (!HEADER_NAME_PATTERN.test(name)) {
        throw new ServerConfigError(headerOption, 'is not a valid header name');
      }
      if (RESERVED_WEBHOOK_HEADERS.has(name.toLowerCase())) {
        throw new ServerConfigError(headerOption, 'is set by the server and cannot be overridden');
      }
      if (HOP_BY_HOP_HEADERS.has(name.toLowerCase())) {
        throw new ServerConfigError(headerOption, 'is part of the HTTP framing and cannot be set');
      }
      // What an HTTP header value may hold (as node:http checks it): no control characters but tab.
      if (typeof header !== 'string' || /[^\t\x20-\x7e\x80-\xff]/.test(header)) {
        throw new ServerConfigError(headerOption, 'must be a single-line string');
      }
      headers[name] = header;
    }
  }
  return Object.freeze(headers);
}

/** The URL without credentials, and `headers` plus the Authorization its credentials make. */
function moveCredentialsToHeader(
  rawUrl: string,
  headers: Readonly<Record<string, string>>,
  option: string,
): { url: string; headers: Readonly<Record<string, string>> } {
  let split: ReturnType<typeof splitWebhookUrlCredentials>;
  try {
    split = splitWebhookUrlCredentials(rawUrl);
  } catch {
    throw new ServerConfigError(`${option}.url`, 'has credentials with invalid percent-encoding');
  }
  if (split.authorization === undefined) return { url: split.url, headers };
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
    throw new ServerConfigError(
      `${option}.url`,
      'has credentials and the target also sets an Authorization header; use one of them',
    );
  }
  return {
    url: split.url,
    headers: Object.freeze({ ...headers, authorization: split.authorization }),
  };
}

function resolveWebhookTarget(input: unknown, option: string): ResolvedWebhookTarget {
  const target = readObject(input, option, 'an object with a url');
  rejectUnknownKeys(target, WEBHOOK_TARGET_KEYS, option);
  const rawUrl = readHttpUrl(target['url'], `${option}.url`);
  const events = resolveEvents(target['events'], `${option}.events`);
  const { url, headers } = moveCredentialsToHeader(
    rawUrl,
    resolveHeaders(target['headers'], `${option}.headers`),
    option,
  );
  return Object.freeze({
    url,
    events,
    headers,
    channelPrefix: readAffix(target['channelPrefix'], `${option}.channelPrefix`),
    channelSuffix: readAffix(target['channelSuffix'], `${option}.channelSuffix`),
  });
}

/** A channel-name filter (`channelPrefix`, `channelSuffix`): a string, `''` when absent. */
function readAffix(value: unknown, option: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') {
    throw new ServerConfigError(option, `must be a string, got ${typeOf(value)}`);
  }
  return value;
}

/** The targets of a `webhooks` array (`[]` when absent), each validated and filled. */
export function resolveWebhookTargets(input: unknown, option: string): ResolvedWebhookTarget[] {
  if (input === undefined) return [];
  return readArray(input, option).map((target, index) =>
    resolveWebhookTarget(target, `${option}[${index}]`),
  );
}
