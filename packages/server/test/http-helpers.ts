/**
 * @module test/http-helpers
 * Helpers of the REST and webhook tests: a real server on 127.0.0.1:0 (closed after the test), the
 * official `pusher` client pointed at it, raw signed requests built with the SDK's `signRequest`
 * (to produce requests the official client refuses to send), and a webhook receiver.
 */
import {
  createServer as createHttpServer,
  type Server as HttpServer,
  type IncomingHttpHeaders,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { signRequest } from '@pushwire/sdk';
import Pusher from 'pusher';
import { onTestFinished } from 'vitest';
import {
  type AppOptions,
  createServer,
  type PushwireServer,
  type ServerAddress,
  type ServerOptions,
} from '../src/index';

export const REST_APP: AppOptions = Object.freeze({
  id: '4242',
  key: 'rest-key',
  secret: 'rest-secret-value-0123',
});

export interface RestServer {
  readonly server: PushwireServer;
  readonly address: ServerAddress;
  readonly port: number;
  /** The official Node SDK, configured for this server and `app`. */
  pusher(app?: AppOptions): Pusher;
  wsUrl(key?: string): string;
}

/** Starts a server with the REST test app (plus `options`) and closes it after the test. */
export async function startRestServer(options: ServerOptions = {}): Promise<RestServer> {
  const server = createServer({ port: 0, logLevel: 'silent', apps: [REST_APP], ...options });
  onTestFinished(() => server.close());
  const address = await server.listen();
  return {
    server,
    address,
    port: address.port,
    pusher: (app = REST_APP) =>
      new Pusher({
        appId: app.id,
        key: app.key,
        secret: app.secret,
        host: '127.0.0.1',
        port: String(address.port),
        useTLS: false,
      }),
    wsUrl: (key = REST_APP.key) =>
      `ws://127.0.0.1:${address.port}/app/${key}?protocol=7&client=js&version=8.6.0&flash=false`,
  };
}

/** A raw HTTP answer. */
export interface RawResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly headers: Headers;
  readonly text: string;
  json(): unknown;
}

export interface SignedRequestInput {
  readonly method: 'GET' | 'POST';
  /** Path that is signed (e.g. `/apps/4242/events`). */
  readonly path: string;
  /** Path that is requested; defaults to `path`. */
  readonly requestPath?: string;
  readonly body?: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly app?: AppOptions;
  /** Unix seconds; defaults to now. */
  readonly timestamp?: number;
  /** Replace query parameters after signing (to forge bad requests). */
  readonly override?: Readonly<Record<string, string>>;
}

function encodeQuery(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** Sends a request signed with the SDK's `signRequest`. */
export async function signedRequest(port: number, input: SignedRequestInput): Promise<RawResponse> {
  const app = input.app ?? REST_APP;
  const query = {
    ...signRequest({
      method: input.method,
      path: input.path,
      key: app.key,
      secret: app.secret,
      timestamp: input.timestamp ?? Math.floor(Date.now() / 1000),
      ...(input.params === undefined ? {} : { params: input.params }),
      ...(input.body === undefined ? {} : { body: input.body }),
    }),
    ...input.override,
  };
  return rawRequest(port, {
    method: input.method,
    path: `${input.requestPath ?? input.path}?${encodeQuery(query)}`,
    ...(input.body === undefined ? {} : { body: input.body }),
  });
}

/** Sends an unsigned request. */
export async function rawRequest(
  port: number,
  input: { method: string; path: string; body?: string },
): Promise<RawResponse> {
  const response = await fetch(`http://127.0.0.1:${port}${input.path}`, {
    method: input.method,
    ...(input.body === undefined
      ? {}
      : { body: input.body, headers: { 'content-type': 'application/json' } }),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as unknown,
  };
}

/** What the official client's RequestError carries. */
export interface PusherRequestError {
  readonly status: number;
  readonly body: string;
}

/** Runs `call` and returns the official client's RequestError (fails if it resolved). */
export async function rejectionOf(call: Promise<unknown>): Promise<PusherRequestError> {
  try {
    await call;
  } catch (error) {
    return error as PusherRequestError;
  }
  throw new Error('expected the request to fail');
}

/** One request received by a {@link WebhookReceiver}. */
/** Listens on 127.0.0.1 port 0 until the running test ends (then closes every socket); the port. */
export async function listenUntilTestEnds(server: HttpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** The status the receiver answered. */
  readonly status: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Resolves once at least `count` requests arrived. */
  waitFor(count: number): Promise<ReceivedWebhook[]>;
}

/**
 * A local webhook endpoint on 127.0.0.1:0. `statusFor(n)` picks the status of the n-th request
 * (0-based); default 200. Closed after the test.
 */
export async function startWebhookReceiver(
  statusFor: (index: number) => number = () => 200,
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = statusFor(received.length);
      received.push({
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
        status,
      });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 300 ? 'ok' : 'fail');
      waiters = waiters.filter((waiter) => {
        if (received.length < waiter.count) return true;
        waiter.resolve();
        return false;
      });
    });
  });
  const port = await listenUntilTestEnds(server);
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    waitFor: (count) =>
      received.length >= count
        ? Promise.resolve(received)
        : new Promise((resolve) => waiters.push({ count, resolve: () => resolve(received) })),
  };
}

/** One event of a received webhook body, as sent. */
export interface HookEvent {
  readonly name: string;
  readonly channel?: string;
  readonly user_id?: string;
  readonly [field: string]: unknown;
}

/** A webhook endpoint that answers 200 and lists the events of every body received, in order. */
export async function startWebhookEventLog(): Promise<{
  readonly url: string;
  readonly events: HookEvent[];
}> {
  const receiver = await startWebhookReceiver();
  return {
    url: receiver.url,
    get events() {
      return receiver.received.flatMap(
        (hook) => (JSON.parse(hook.rawBody) as { events: HookEvent[] }).events,
      );
    },
  };
}
