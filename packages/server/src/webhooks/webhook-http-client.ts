/**
 * @module webhooks/webhook-http-client
 * The HTTP client of the webhook dispatcher, on `node:http` / `node:https` rather than fetch so that
 * a request that times out or is aborted closes its socket at once (the caller's concurrency cap is
 * then a cap on open sockets). Every POST has a deadline covering connect, headers and body; at most
 * a few KiB of the answer are read; redirects are not followed. Outcomes are short reasons safe to
 * log: a status, an error code, or a message with URLs redacted.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { redactUrlsInText } from '../net/webhook-url';

/** Response bytes read (and discarded) before the connection is closed instead. */
const MAX_RESPONSE_BYTES_READ = 16_384;
/** Idle keep-alive sockets are closed after this long. */
const IDLE_SOCKET_TIMEOUT_MS = 15_000;

/** What one POST gave. */
export type PostOutcome =
  | { readonly ok: true; readonly status?: number }
  | { readonly ok: false; readonly reason: string; readonly status?: number };

/** One POST to send. */
export interface WebhookPost {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  /** Aborts the request from outside (shutdown); the socket is destroyed. */
  readonly signal: AbortSignal;
}

function outcomeOfStatus(status: number): PostOutcome {
  return status >= 200 && status < 300
    ? { ok: true, status }
    : { ok: false, reason: `HTTP ${status}`, status };
}

/** A short reason for a failed request: its error code, else its message with URLs redacted. */
function describeRequestError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return typeof code === 'string' ? code : redactUrlsInText(error.message);
  }
  return 'network error';
}

/** Sends webhook POSTs over keep-alive agents of its own. */
export class WebhookHttpClient {
  readonly #httpAgent = new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS });
  readonly #httpsAgent = new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS });

  /** Sends `post`; never throws or rejects. */
  post(post: WebhookPost): Promise<PostOutcome> {
    return new Promise<PostOutcome>((resolve) => {
      let request: ReturnType<typeof httpRequest> | undefined;
      let status: number | undefined;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (outcome: PostOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        post.signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      // Once the answer's status is known it decides, even if its body is cut short.
      const stop = (reason: string): void => {
        request?.destroy();
        finish(status === undefined ? { ok: false, reason } : outcomeOfStatus(status));
      };
      const onAbort = (): void => stop('aborted');
      try {
        const https = /^https:/i.test(post.url);
        request = (https ? httpsRequest : httpRequest)(post.url, {
          method: 'POST',
          headers: { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) },
          agent: https ? this.#httpsAgent : this.#httpAgent,
        });
      } catch (error) {
        finish({ ok: false, reason: describeRequestError(error) });
        return;
      }
      timer = setTimeout(() => stop('timeout'), post.timeoutMs);
      timer.unref();
      if (post.signal.aborted) {
        stop('aborted');
        return;
      }
      post.signal.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error) => stop(describeRequestError(error)));
      request.on('response', (response: IncomingMessage) => {
        status = response.statusCode ?? 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES_READ) stop('response too large');
        });
        response.on('end', () => finish(outcomeOfStatus(status ?? 0)));
        response.on('error', () => stop('response error'));
      });
      request.end(post.body);
    });
  }

  /** Closes the idle keep-alive sockets (in-flight requests are aborted by their callers). */
  destroy(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }
}
