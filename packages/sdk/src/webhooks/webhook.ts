/**
 * @module webhooks/webhook
 * Verifies and reads a Pusher Channels webhook: `X-Pusher-Key` picks the token, the body's
 * HMAC-SHA256 under that token's secret must equal `X-Pusher-Signature` (constant-time compare),
 * the Content-Type must be `application/json` (parameters allowed) and the body a webhook.
 * A key and a secret only count together (extra tokens are pairs, for key rotation).
 * Events of `private-encrypted-*` client events are decrypted when a master key is given.
 * Replays are accepted unless the caller passes `maxAgeMs` (as in the official SDKs).
 */
import { channelType } from '../channels/names';
import { utf8Decode } from '../crypto/encoding';
import { hmacSha256Hex } from '../crypto/hmac';
import { timingSafeEqual } from '../crypto/timing-safe-equal';
import { decryptData } from '../encryption/decrypt';
import { assertMasterKey } from '../encryption/master-key';
import { ConfigurationError, PusherError } from '../errors';
import { WebhookError } from './errors';
import {
  parseWebhookPayload,
  type UnknownWebhookEvent,
  type WebhookEvent,
  type WebhookPayload,
} from './events';
import { type HeaderSource, isJsonContentType, readHeader } from './headers';

/** The raw webhook request: headers and the body exactly as received (never re-serialized JSON). */
export interface WebhookInput {
  headers: Headers | Record<string, string | string[] | undefined>;
  body: string | Uint8Array;
}

/** The app's credentials, and the master key to decrypt encrypted client events. */
export interface WebhookContext {
  key: string;
  secret: string;
  masterKey?: Uint8Array;
}

/** A key and the secret that belongs to it. */
export interface WebhookToken {
  key: string;
  secret: string;
}

export interface WebhookVerifyOptions {
  /**
   * Rejects webhooks whose `time_ms` is older than this many milliseconds (reason `stale`).
   * Off by default: without it a captured webhook can be replayed at any time. Keep it longer
   * than the sender's retry window (Pusher retries for up to 5 minutes with the original
   * `time_ms`), e.g. `10 * 60_000`.
   */
  maxAgeMs?: number;
}

const KEY_HEADER = 'x-pusher-key';
const SIGNATURE_HEADER = 'x-pusher-signature';
const CONTENT_TYPE_HEADER = 'content-type';

function isToken(value: unknown): value is WebhookToken {
  if (typeof value !== 'object' || value === null) return false;
  const { key, secret } = value as Record<string, unknown>;
  return typeof key === 'string' && typeof secret === 'string' && secret.length > 0;
}

function tokenList(
  primary: WebhookToken,
  extra: WebhookToken | readonly WebhookToken[] | undefined,
): WebhookToken[] {
  if (extra === undefined || extra === null) return [primary];
  const list: readonly unknown[] = Array.isArray(extra) ? extra : [extra];
  for (const token of list) {
    if (!isToken(token)) {
      throw new ConfigurationError(
        'extraTokens',
        'Every extra token must be { key, secret } strings',
      );
    }
  }
  return [primary, ...(list as WebhookToken[])];
}

function validateMaxAge(options: WebhookVerifyOptions | undefined): number | undefined {
  const maxAgeMs = options?.maxAgeMs;
  if (maxAgeMs === undefined) return undefined;
  if (typeof maxAgeMs !== 'number' || !(maxAgeMs >= 0)) {
    throw new ConfigurationError(
      'maxAgeMs',
      'maxAgeMs must be a non-negative number of milliseconds',
    );
  }
  return maxAgeMs;
}

/** The body as a string or bytes (any typed-array view, from any realm), else undefined. */
function rawBody(body: unknown): string | Uint8Array | undefined {
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (ArrayBuffer.isView(body))
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}

/**
 * A received webhook. Construct it with the raw body, then call `isValid()` or `verify()`, passing
 * `{ maxAgeMs }` to refuse replays:
 *
 * ```ts
 * if (!webhook.isValid(undefined, { maxAgeMs: 10 * 60_000 })) return res.status(401).end();
 * ```
 */
export class Webhook {
  readonly #headers: HeaderSource;
  /** The raw body; undefined when the caller passed something else (e.g. parsed JSON). */
  readonly #body: string | Uint8Array | undefined;
  readonly #primary: WebhookToken;
  readonly #masterKey: Uint8Array | undefined;
  #verified: WebhookPayload | undefined;

  constructor(input: WebhookInput, ctx: WebhookContext) {
    if (typeof input !== 'object' || input === null) {
      throw new ConfigurationError('webhook', 'A webhook needs { headers, body }');
    }
    if (!isToken(ctx)) {
      throw new ConfigurationError('secret', 'A webhook needs the app key and a non-empty secret');
    }
    if (ctx.masterKey !== undefined) assertMasterKey(ctx.masterKey);
    this.#headers =
      typeof input.headers === 'object' && input.headers !== null ? input.headers : {};
    this.#body = rawBody(input.body);
    this.#primary = { key: ctx.key, secret: ctx.secret };
    this.#masterKey = ctx.masterKey;
  }

  /** The `X-Pusher-Key` header: the key of the token that signed the body. */
  get key(): string | undefined {
    return readHeader(this.#headers, KEY_HEADER);
  }

  /** The `X-Pusher-Signature` header: hex HMAC-SHA256 of the body. */
  get signature(): string | undefined {
    return readHeader(this.#headers, SIGNATURE_HEADER);
  }

  /**
   * True when the webhook is signed by the app's token or one of `extraTokens` (key and secret
   * paired), is JSON and has the webhook shape (and is fresh, with `maxAgeMs`). Never throws.
   * Without `options.maxAgeMs` an old webhook replayed with its signature is still valid: pass
   * it, e.g. `webhook.isValid(undefined, { maxAgeMs: 10 * 60_000 })`.
   */
  isValid(
    extraTokens?: WebhookToken | readonly WebhookToken[],
    options?: WebhookVerifyOptions,
  ): boolean {
    try {
      this.verify(extraTokens, options);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Like `isValid()`, but throws a WebhookError whose `reason` says which check failed. Pass
   * `{ maxAgeMs }` to refuse replays (reason `stale`), e.g. `verify(undefined, { maxAgeMs })`.
   */
  verify(
    extraTokens?: WebhookToken | readonly WebhookToken[],
    options?: WebhookVerifyOptions,
  ): void {
    const tokens = tokenList(this.#primary, extraTokens);
    const maxAgeMs = validateMaxAge(options);
    const body = this.#body;
    if (body === undefined) {
      throw new WebhookError(
        'malformed_body',
        'Webhook body must be the raw request body (string or Uint8Array), not parsed JSON; ' +
          'e.g. use express.raw({ type: "application/json" }) or await request.text()',
      );
    }
    const key = this.key;
    const signature = this.signature;
    const contentType = readHeader(this.#headers, CONTENT_TYPE_HEADER);
    const missing = [
      key === undefined ? 'X-Pusher-Key' : undefined,
      signature === undefined ? 'X-Pusher-Signature' : undefined,
      contentType === undefined ? 'Content-Type' : undefined,
    ].filter((name) => name !== undefined);
    if (key === undefined || signature === undefined || contentType === undefined) {
      throw new WebhookError(
        'missing_headers',
        `Webhook is missing header(s): ${missing.join(', ')}`,
      );
    }
    const candidates = tokens.filter((token) => token.key === key);
    if (candidates.length === 0) {
      throw new WebhookError(
        'unknown_key',
        `Webhook is signed with an unknown key '${key.slice(0, 64)}'`,
      );
    }
    const received = signature.trim().toLowerCase();
    const signed = candidates.some((token) =>
      timingSafeEqual(hmacSha256Hex(token.secret, body), received),
    );
    if (!signed) {
      throw new WebhookError('bad_signature', 'Webhook signature does not match the body');
    }
    if (!isJsonContentType(contentType)) {
      throw new WebhookError('malformed_body', 'Webhook Content-Type is not application/json');
    }
    const payload = this.#parseBody(body);
    if (maxAgeMs !== undefined && Date.now() - payload.time_ms > maxAgeMs) {
      throw new WebhookError('stale', `Webhook is older than ${maxAgeMs} ms`);
    }
    this.#verified = payload;
  }

  /**
   * The events, in order. Throws a WebhookError unless the webhook is valid: after a successful
   * `isValid()` / `verify()` (with any tokens) it returns at once, otherwise it verifies against
   * the app's own token first.
   */
  get events(): WebhookEvent[] {
    return this.#payload().events;
  }

  /** When Pusher created the webhook (`time_ms`). Throws a WebhookError like `events`. */
  /** Events whose name is not one of the documented kinds (kept as sent; usually empty). */
  get unknownEvents(): UnknownWebhookEvent[] {
    return this.#payload().unknownEvents;
  }

  get time(): Date {
    return new Date(this.#payload().time_ms);
  }

  #payload(): WebhookPayload {
    if (this.#verified === undefined) this.verify();
    return this.#verified!;
  }

  #parseBody(body: string | Uint8Array): WebhookPayload {
    const text = typeof body === 'string' ? body : utf8Decode(body);
    let decoded: unknown;
    try {
      decoded = JSON.parse(text);
    } catch {
      throw new WebhookError('malformed_body', 'Webhook body is not valid JSON');
    }
    const payload = parseWebhookPayload(decoded);
    if (this.#masterKey !== undefined) this.#decryptEvents(payload.events, this.#masterKey);
    return payload;
  }

  #decryptEvents(events: WebhookEvent[], masterKey: Uint8Array): void {
    for (const event of events) {
      if (event.name !== 'client_event' || channelType(event.channel) !== 'private-encrypted')
        continue;
      try {
        event.data = decryptData(event.channel, event.data, masterKey);
      } catch (error) {
        const reason = error instanceof PusherError ? error.message : 'decryption failed';
        throw new WebhookError(
          'malformed_body',
          `Webhook client event could not be decrypted: ${reason}`,
        );
      }
    }
  }
}
