/**
 * @module test-support/webhook-receiver
 * A real node:http webhook endpoint on 127.0.0.1:0 that records every POST with its headers and
 * raw body, the way an application's webhook route receives it, and answers the status a test
 * picks. It closes when the test that started it ends. (The public `@pushwire/server/testing`
 * receiver verifies signatures and answers 401 to a bad one; this one takes anything, so tests can
 * check a signature themselves or make the server retry.)
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listenUntilTestEnds } from './ports';

/** One request received by a {@link WebhookReceiver}. */
export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  /** The body exactly as received. */
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
 * Starts a receiver. `statusFor(n)` picks the status of the n-th request (0-based); default 200.
 * Closed after the running test.
 */
export async function startWebhookReceiver(
  statusFor: (index: number) => number = () => 200,
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
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
