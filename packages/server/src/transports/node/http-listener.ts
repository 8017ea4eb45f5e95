/**
 * @module transports/node/http-listener
 * The REST handler as a node:http `request` listener: the request is read through
 * {@link readBody}, the answer written to the `ServerResponse` (unless the client went away), with
 * `Connection: close` when the body was left unread.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../../core/server-context';
import type { HttpAnswer, HttpRequest } from '../../http/exchange';
import { createHttpApi, type HttpApi } from '../../http/handler';
import { readBody } from './read-body';

/** A request listener for `node:http` (or `http.createServer(handler)`). */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Creates the node:http request listener for a server. */
export function createHttpHandler(ctx: ServerContext): HttpHandler {
  return nodeRequestListener(createHttpApi(ctx));
}

/** Serves `api` to node:http requests. */
export function nodeRequestListener(api: HttpApi): HttpHandler {
  return (req, res) => {
    api(new NodeHttpRequest(req), (answer) => writeAnswer(res, answer));
  };
}

class NodeHttpRequest implements HttpRequest {
  readonly #req: IncomingMessage;

  constructor(req: IncomingMessage) {
    this.#req = req;
  }

  get method(): string {
    return this.#req.method ?? 'GET';
  }

  get url(): string {
    return this.#req.url ?? '/';
  }

  header(name: string): string | undefined {
    const value = this.#req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  readBody(maxBytes: number, timeoutMs: number): Promise<Buffer> {
    return readBody(this.#req, maxBytes, timeoutMs);
  }

  discardBody(): void {
    this.#req.resume();
  }
}

function writeAnswer(res: ServerResponse, answer: HttpAnswer): void {
  if (res.headersSent || res.destroyed) {
    // A stream nobody will read: start and close it at once so that it releases what it holds.
    answer.stream?.({ write: () => false, end: () => undefined }).closed();
    return;
  }
  if (answer.closeConnection) res.shouldKeepAlive = false;
  res.writeHead(answer.status, answer.headers);
  if (answer.stream === undefined) {
    res.end(answer.body);
    return;
  }
  res.flushHeaders();
  const handlers = answer.stream({
    write: (chunk) => !res.destroyed && res.write(chunk),
    end: () => res.end(),
  });
  res.on('drain', () => handlers.drained());
  res.on('close', () => handlers.closed());
}
