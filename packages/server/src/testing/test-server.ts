/**
 * @module testing/test-server
 * `startTestServer()`: a pushwire server on 127.0.0.1, port 0, for an application's own test
 * suite, in one line. It records every event published through the REST API or by a client (via
 * the server's `onEvent` option) and every webhook (through its own receiver, which verifies each
 * with the SDK), hands out options for `@pushwire/sdk`, the official `pusher` package and
 * pusher-js, creates connected pusher-js clients, and closes all of it in `close()`.
 */
import { randomBytes } from 'node:crypto';
import { bytesToBase64 } from '@pushwire/sdk';
import type Pusher from 'pusher-js';
import type { Channel, Options } from 'pusher-js';
import type { AppOptions, ServerOptions } from '../options';
import { createServer, type PushwireServer, type ServerTimingOverrides } from '../server';
import { CaptureLog } from './capture-log';
import {
  type CapturedEvent,
  type CapturedWebhook,
  describeFilter,
  type EventFilter,
  eventLabel,
  eventMatcher,
  eventSize,
  parseJson,
  type WebhookFilter,
  webhookLabel,
  webhookMatcher,
  webhookSize,
} from './captured';
import { TestServerError } from './errors';
import {
  type ClientCredentials,
  DEFAULT_WAIT_MS,
  loadPusherJs,
  pusherJsOptions,
  subscribe,
  type TestClientOptions,
  whenConnected,
} from './pusher-js-client';
import { WebhookReceiver } from './webhook-receiver';

/** Options of {@link startTestServer}; all optional. */
export interface TestServerOptions {
  /**
   * The app served (one). @default id `app-id`, key `app-key`, secret `app-secret`, client events
   * enabled
   */
  readonly app?: Partial<Omit<AppOptions, 'webhooks'>>;
  /**
   * Run a webhook receiver and point the app's webhooks at it (`nextWebhook()`, `webhooks()`).
   * @default true
   */
  readonly webhooks?: boolean;
  /** Captured events (and, separately, webhook events) kept; the oldest go first. @default 1000 */
  readonly maxCaptured?: number;
  /** Characters of captured data kept (per log). @default 16777216 */
  readonly maxCapturedChars?: number;
  /** Deadline of `nextEvent()`, `nextWebhook()`, `client()` and `subscribe()`. @default 2000 */
  readonly timeoutMs?: number;
  /**
   * Further server options. The test server sets `host` 127.0.0.1, `port` 0, `apps` and
   * `onEvent`; it defaults `logLevel` to `silent`, `vacateDelayMs` and `webhookBatchMs` to 0 (so
   * `channel_vacated` and every webhook arrive at once) and `shutdownTimeoutMs` to 2000.
   */
  readonly server?: Omit<ServerOptions, 'host' | 'port' | 'apps' | 'onEvent'>;
  /** Millisecond timing overrides (activity and pong timeouts). */
  readonly timing?: ServerTimingOverrides;
}

/** The app a test server serves. */
export interface TestApp {
  readonly id: string;
  readonly key: string;
  readonly secret: string;
}

/**
 * Options for `new Pusher(...)` of `@pushwire/sdk` and of the official `pusher` package alike:
 * `host` carries the port (`127.0.0.1:PORT`), which both accept.
 */
export interface TestSdkOptions {
  readonly appId: string;
  readonly key: string;
  readonly secret: string;
  readonly host: string;
  readonly useTLS: false;
  /** The test server's end-to-end encryption master key (clients from `client()` share it). */
  readonly encryptionMasterKeyBase64: string;
}

/** Options of `nextEvent()` and `nextWebhook()`. */
export interface WaitOptions {
  /** @default the server's `timeoutMs` (2000) */
  readonly timeoutMs?: number;
}

const DEFAULT_APP_ID = 'app-id';
const DEFAULT_APP_KEY = 'app-key';
const DEFAULT_APP_SECRET = 'app-secret';
const DEFAULT_MAX_CAPTURED = 1_000;
const DEFAULT_MAX_CAPTURED_CHARS = 16 * 1_048_576;
const MASTER_KEY_BYTES = 32;

/** A running test server. Create it with {@link startTestServer}; end it with `close()`. */
export class TestServer {
  /** The underlying server (metrics, connection count, adapter). */
  readonly server: PushwireServer;
  readonly app: TestApp;
  readonly host: string;
  readonly port: number;
  /** The REST base URL, `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Where webhooks go; undefined with `webhooks: false`. */
  readonly webhookUrl: string | undefined;
  /** The master key for `private-encrypted-*` channels, base64 (random per server). */
  readonly encryptionMasterKeyBase64: string;
  readonly #events: CaptureLog<CapturedEvent>;
  readonly #webhooks: CaptureLog<CapturedWebhook> | undefined;
  readonly #receiver: WebhookReceiver | undefined;
  readonly #credentials: ClientCredentials;
  readonly #clients = new Set<Pusher>();
  readonly #timeoutMs: number;
  #closing: Promise<void> | undefined;

  /** @internal use {@link startTestServer} */
  constructor(parts: {
    server: PushwireServer;
    app: TestApp;
    host: string;
    port: number;
    url: string;
    masterKey: Uint8Array;
    events: CaptureLog<CapturedEvent>;
    webhooks: CaptureLog<CapturedWebhook> | undefined;
    receiver: WebhookReceiver | undefined;
    timeoutMs: number;
  }) {
    this.server = parts.server;
    this.app = parts.app;
    this.host = parts.host;
    this.port = parts.port;
    this.url = parts.url;
    this.webhookUrl = parts.receiver?.url;
    this.encryptionMasterKeyBase64 = bytesToBase64(parts.masterKey);
    this.#events = parts.events;
    this.#webhooks = parts.webhooks;
    this.#receiver = parts.receiver;
    this.#timeoutMs = parts.timeoutMs;
    this.#credentials = {
      key: parts.app.key,
      secret: parts.app.secret,
      masterKey: parts.masterKey,
      host: parts.host,
      port: parts.port,
    };
  }

  /** `new Pusher(server.sdkOptions)` for `@pushwire/sdk` or the official `pusher` package. */
  get sdkOptions(): TestSdkOptions {
    return {
      appId: this.app.id,
      key: this.app.key,
      secret: this.app.secret,
      host: `${this.host}:${this.port}`,
      useTLS: false,
      encryptionMasterKeyBase64: this.encryptionMasterKeyBase64,
    };
  }

  /**
   * Options for `new Pusher(server.app.key, options)` of pusher-js: plain `ws` to this server,
   * channel authorization and sign-in answered in-process for `options.user`.
   */
  pusherJsOptions(options: TestClientOptions = {}): Options {
    return pusherJsOptions(this.#credentials, options);
  }

  /**
   * A pusher-js client, connected, disconnected by `close()`. Needs pusher-js installed (an
   * optional peer dependency). @throws {TestServerError} when it cannot connect in time.
   */
  async client(options: TestClientOptions = {}): Promise<Pusher> {
    this.#assertOpen('client()');
    const PusherJs = await loadPusherJs();
    this.#assertOpen('client()');
    const client = new PusherJs(this.app.key, this.pusherJsOptions(options));
    this.#clients.add(client);
    try {
      await whenConnected(client, this.#timeoutMs);
    } catch (error) {
      client.disconnect();
      this.#clients.delete(client);
      throw error;
    }
    return client;
  }

  /**
   * Subscribes `client` and resolves once the server confirmed it, so nothing triggered after
   * is missed. @throws {TestServerError} on a subscription error or timeout.
   */
  subscribe(client: Pusher, channelName: string, options: WaitOptions = {}): Promise<Channel> {
    return subscribe(client, channelName, { timeoutMs: options.timeoutMs ?? this.#timeoutMs });
  }

  /** Captured events matching `filter`, oldest first (consumed ones included). */
  events(filter: EventFilter = {}): CapturedEvent[] {
    return this.#events.list(eventMatcher(filter));
  }

  /**
   * The first captured event matching `filter` that no earlier `nextEvent()` returned, whether
   * it arrived before this call or arrives within the deadline.
   * @throws {CaptureTimeoutError} naming the filter and what was captured instead.
   */
  nextEvent(filter: EventFilter = {}, options: WaitOptions = {}): Promise<CapturedEvent> {
    return this.#events.next(
      eventMatcher(filter),
      describeFilter(filter),
      options.timeoutMs ?? this.#timeoutMs,
    );
  }

  /** Captured webhook events matching `filter`, oldest first. @throws {TestServerError} with `webhooks: false`. */
  webhooks(filter: WebhookFilter = {}): CapturedWebhook[] {
    return this.#webhookLog().list(webhookMatcher(filter));
  }

  /**
   * The first webhook event matching `filter` that no earlier `nextWebhook()` returned (see
   * `nextEvent()`). @throws {CaptureTimeoutError} after the deadline (it says how many webhook
   * requests failed verification, if any).
   */
  async nextWebhook(
    filter: WebhookFilter = {},
    options: WaitOptions = {},
  ): Promise<CapturedWebhook> {
    const log = this.#webhookLog();
    return log.next(
      webhookMatcher(filter),
      describeFilter(filter),
      options.timeoutMs ?? this.#timeoutMs,
    );
  }

  /** Forgets every captured event and webhook event. */
  clear(): void {
    this.#events.clear();
    this.#webhooks?.clear();
  }

  /**
   * Disconnects the clients, closes the server (flushing webhooks to the receiver), then the
   * receiver; pending waits reject. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** `await using server = await startTestServer()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    for (const client of this.#clients) client.disconnect();
    this.#clients.clear();
    try {
      await this.server.close();
    } finally {
      this.#events.close();
      this.#webhooks?.close();
      await this.#receiver?.close();
    }
  }

  #webhookLog(): CaptureLog<CapturedWebhook> {
    if (this.#webhooks === undefined) {
      throw new TestServerError('Webhooks are off for this test server (webhooks: false)');
    }
    return this.#webhooks;
  }

  #assertOpen(what: string): void {
    if (this.#closing !== undefined)
      throw new TestServerError(`${what}: the test server is closed`);
  }
}

/**
 * Starts a pushwire server for tests on 127.0.0.1 with a free port, capturing events and
 * webhooks: `const server = await startTestServer()`.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const limits = {
    maxEntries: positive(options.maxCaptured, DEFAULT_MAX_CAPTURED, 'maxCaptured'),
    maxChars: positive(options.maxCapturedChars, DEFAULT_MAX_CAPTURED_CHARS, 'maxCapturedChars'),
  };
  const timeoutMs = positive(options.timeoutMs, DEFAULT_WAIT_MS, 'timeoutMs');
  const app: TestApp = {
    id: options.app?.id ?? DEFAULT_APP_ID,
    key: options.app?.key ?? DEFAULT_APP_KEY,
    secret: options.app?.secret ?? DEFAULT_APP_SECRET,
  };
  const events = new CaptureLog<CapturedEvent>(
    { kind: 'event', sizeOf: eventSize, label: eventLabel },
    limits,
  );
  let receiverRef: WebhookReceiver | undefined;
  const webhooks =
    options.webhooks === false
      ? undefined
      : new CaptureLog<CapturedWebhook>(
          {
            kind: 'webhook',
            sizeOf: webhookSize,
            label: webhookLabel,
            note: () => rejectionNote(receiverRef),
          },
          limits,
        );
  const receiver =
    webhooks === undefined
      ? undefined
      : await WebhookReceiver.start({
          key: app.key,
          secret: app.secret,
          onEvent: (webhook) => webhooks.push(webhook),
        });
  receiverRef = receiver;
  let server: PushwireServer | undefined;
  try {
    server = createServer(
      {
        logLevel: 'silent',
        vacateDelayMs: 0,
        webhookBatchMs: 0,
        shutdownTimeoutMs: 2_000,
        ...options.server,
        host: '127.0.0.1',
        port: 0,
        apps: [
          {
            enableClientMessages: true,
            ...options.app,
            ...app,
            ...(receiver === undefined ? {} : { webhooks: [{ url: receiver.url }] }),
          },
        ],
        onEvent: (event) => events.push({ ...event, json: parseJson(event.data), at: Date.now() }),
      },
      options.timing,
    );
    const address = await server.listen();
    return new TestServer({
      server,
      app,
      host: address.host,
      port: address.port,
      url: address.url,
      masterKey: new Uint8Array(randomBytes(MASTER_KEY_BYTES)),
      events,
      webhooks,
      receiver,
      timeoutMs,
    });
  } catch (error) {
    await server?.close();
    await receiver?.close();
    throw error;
  }
}

/** Says how many webhook requests the receiver refused, when it refused any. */
function rejectionNote(receiver: WebhookReceiver | undefined): string | undefined {
  const rejections = receiver?.rejections;
  if (rejections === undefined || rejections.count === 0) return undefined;
  return `${rejections.count} webhook request(s) failed verification (last reason: ${rejections.lastReason ?? 'unknown'})`;
}

function positive(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new TestServerError(`${option} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
