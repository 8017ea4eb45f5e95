/**
 * @module test/helpers/fake-pusher-api
 * A real node:http server on 127.0.0.1:0 that plays the Pusher REST API: it checks every request's
 * signature with the SDK's own signing code (HMAC over the decoded query, md5 of the raw body,
 * timestamp within 600 s), records requests, and answers through a scriptable handler. Faults a
 * real peer produces (hanging, stalling the body, closing) are available as replies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { hmacSha256Hex, md5Hex, stringToSign, timingSafeEqual } from '../../src/index';

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  /** Decoded query parameters. */
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** Why the signature check failed, or undefined when it passed. */
  readonly signatureProblem: string | undefined;
  /** Which TCP connection carried it (1-based, in accept order). */
  readonly connection: number;
}

export type Reply =
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | { readonly fault: 'hang' }
  | { readonly fault: 'stall-body' }
  | { readonly fault: 'destroy' };

export type Handler = (request: RecordedRequest, index: number) => Reply;

export interface FakeApiOptions {
  readonly key?: string;
  readonly secret?: string;
  /** Server clock in ms, for the timestamp window. @default Date.now */
  readonly now?: () => number;
  /** Answer invalid signatures with 401 (like Pusher). @default true */
  readonly enforceSignature?: boolean;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
}

export interface FakeApi {
  readonly host: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** TCP connections accepted so far. */
  readonly connectionCount: () => number;
  handler: Handler;
  close(): Promise<void>;
}

export const TEST_KEY = 'test-key';
export const TEST_SECRET = 'test-secret-7ad3773142a6692b25b8';
const TIMESTAMP_WINDOW_SEC = 600;

/** Verifies a request signature the way the Pusher API does. */
export function checkSignature(
  input: { method: string; path: string; query: Record<string, string>; body: string },
  key: string,
  secret: string,
  nowMs: number,
): string | undefined {
  const { auth_signature: signature, ...signed } = input.query;
  if (signed['auth_key'] !== key) return 'wrong auth_key';
  if (signed['auth_version'] !== '1.0') return 'wrong auth_version';
  const timestamp = Number(signed['auth_timestamp']);
  if (!Number.isInteger(timestamp)) return 'bad auth_timestamp';
  if (Math.abs(timestamp - nowMs / 1000) > TIMESTAMP_WINDOW_SEC) return 'timestamp out of window';
  if (input.body.length > 0) {
    if (signed['body_md5'] !== md5Hex(input.body)) return 'wrong body_md5';
  } else if (signed['body_md5'] !== undefined) return 'body_md5 without body';
  const expected = hmacSha256Hex(secret, stringToSign(input.method, input.path, signed));
  if (signature === undefined || !timingSafeEqual(signature, expected))
    return 'wrong auth_signature';
  return undefined;
}

/** Starts the fake API. Close it in `afterEach` / `onTestFinished`. */
export async function startFakeApi(options: FakeApiOptions = {}): Promise<FakeApi> {
  const key = options.key ?? TEST_KEY;
  const secret = options.secret ?? TEST_SECRET;
  const now = options.now ?? Date.now;
  const enforce = options.enforceSignature ?? true;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const connectionIds = new WeakMap<Socket, number>();
  let connections = 0;

  const api: FakeApi = {
    host: '127.0.0.1',
    port: 0,
    requests,
    connectionCount: () => connections,
    handler: () => ({ status: 200, body: '{}' }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const query: Record<string, string> = {};
      for (const [name, value] of url.searchParams) query[name] = value;
      const body = Buffer.concat(chunks).toString('utf8');
      const method = req.method ?? 'GET';
      const signatureProblem = checkSignature(
        { method, path: url.pathname, query, body },
        key,
        secret,
        now(),
      );
      const recorded: RecordedRequest = {
        method,
        path: url.pathname,
        query,
        headers: req.headers,
        body,
        signatureProblem,
        connection: connectionIds.get(req.socket) ?? 0,
      };
      requests.push(recorded);
      const reply: Reply =
        enforce && signatureProblem
          ? { status: 401, body: `Invalid signature: ${signatureProblem}` }
          : api.handler(recorded, requests.length - 1);
      if ('fault' in reply) {
        if (reply.fault === 'hang') return;
        if (reply.fault === 'destroy') {
          req.socket.destroy();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"partial":');
        return;
      }
      const payload = reply.body ?? '';
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(payload)),
        ...reply.headers,
      });
      res.end(payload);
    });
  };

  const server: Server = options.tls
    ? createTlsServer(options.tls, onRequest)
    : createServer(onRequest);
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    connections += 1;
    connectionIds.set(socket, connections);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (api as { port: number }).port = (server.address() as AddressInfo).port;
  return api;
}
