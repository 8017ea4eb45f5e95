/**
 * @module testing/webhook-receiver
 * The test server's own webhook endpoint: a node:http server on 127.0.0.1 (port 0) that the app's
 * webhooks point at. Each POST is verified with `@pushwire/sdk`'s `Webhook` (key, HMAC signature,
 * content type, shape); a valid one is answered 200 and each of its events handed to `onEvent`,
 * an invalid one 401 and counted with its reason. Bodies are capped; requests have a deadline.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookError } from '@pushwire/sdk';
import type { CapturedWebhook } from './captured';

/** Largest webhook body accepted (the server's batches are far smaller). */
const MAX_BODY_BYTES = 8 * 1_048_576;
/** Deadline for one webhook request (headers and body). */
const REQUEST_TIMEOUT_MS = 10_000;
const WEBHOOK_PATH = '/pusher/webhooks';

export interface WebhookReceiverOptions {
  readonly key: string;
  readonly secret: string;
  readonly onEvent: (webhook: CapturedWebhook) => void;
}

/** A running receiver. */
export class WebhookReceiver {
  readonly #server: Server;
  readonly #options: WebhookReceiverOptions;
  #url = '';
  #rejected = 0;
  #lastRejection: string | undefined;
  #closing: Promise<void> | undefined;

  private constructor(options: WebhookReceiverOptions) {
    this.#options = options;
    this.#server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) =>
      this.#handle(req, res),
    );
  }

  /** Starts a receiver on 127.0.0.1 with a free port. */
  static async start(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(options);
    await new Promise<void>((resolve, reject) => {
      receiver.#server.once('error', reject);
      receiver.#server.listen(0, '127.0.0.1', () => {
        receiver.#server.off('error', reject);
        resolve();
      });
    });
    const { port } = receiver.#server.address() as AddressInfo;
    receiver.#url = `http://127.0.0.1:${port}${WEBHOOK_PATH}`;
    return receiver;
  }

  /** The URL the app's webhooks are sent to. */
  get url(): string {
    return this.#url;
  }

  /** Requests that failed verification, and the reason of the last one. */
  get rejections(): { readonly count: number; readonly lastReason: string | undefined } {
    return { count: this.#rejected, lastReason: this.#lastRejection };
  }

  /** Stops listening and closes every connection. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST' || req.url !== WEBHOOK_PATH) {
      res.writeHead(404).end();
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_BODY_BYTES) {
        this.#reject(res, 413, `body over ${MAX_BODY_BYTES} bytes`);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      this.#accept(req, res, Buffer.concat(chunks));
    });
    req.on('error', () => undefined);
  }

  #accept(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const webhook = new Webhook(
      { headers: req.headers, body: new Uint8Array(body.buffer, body.byteOffset, body.length) },
      { key: this.#options.key, secret: this.#options.secret },
    );
    try {
      webhook.verify();
    } catch (error) {
      const reason = error instanceof WebhookError ? error.reason : 'invalid';
      this.#reject(res, 401, reason);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const timeMs = webhook.time.getTime();
    for (const event of webhook.events) this.#options.onEvent({ ...event, timeMs });
  }

  #reject(res: ServerResponse, status: number, reason: string): void {
    this.#rejected += 1;
    this.#lastRejection = reason;
    if (!res.headersSent) res.writeHead(status).end();
  }
}
