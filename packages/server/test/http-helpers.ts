/**
 * @module test/http-helpers
 * Helpers of the REST and webhook tests: a real server on 127.0.0.1:0 (closed after the test), the
 * official `pusher` client pointed at it, and raw signed requests built with the SDK's
 * `signRequest` (to produce requests the official client refuses to send). The webhook receiver is
 * in `@pushwire/test-support`.
 */
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
