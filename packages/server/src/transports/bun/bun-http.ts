/**
 * @module transports/bun/bun-http
 * The REST handler on Bun.serve's fetch: a `Request` as an {@link HttpRequest} (the body read
 * from its stream with the same cap, deadline and 413/408 answers as on Node) and an
 * {@link HttpAnswer} as a `Response`.
 */

import type { AnswerStream, HttpAnswer, HttpRequest, StreamHandlers } from '../../http/exchange';
import type { HttpApi } from '../../http/handler';
import { HttpStatusError, RequestAbortedError } from '../../http/http-status-error';

const EMPTY = Buffer.alloc(0);

/** Serves `api` to one fetch request. */
export function answerFetch(
  api: HttpApi,
  request: Request,
  url: string,
  onStream: () => void,
): Promise<Response> {
  return new Promise((resolve) => {
    const exchange = new FetchHttpRequest(request, url);
    // Nobody reads this answer: the client went away during its body.
    exchange.onAbort(() => resolve(new Response(null, { status: 499 })));
    api(exchange, (answer) => {
      if (answer.stream !== undefined) onStream();
      resolve(toResponse(answer));
    });
  });
}

function toResponse(answer: HttpAnswer): Response {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) headers[name] = String(value);
  if (answer.closeConnection) headers['connection'] = 'close';
  const stream = answer.stream;
  if (stream !== undefined) {
    return new Response(streamBody(stream), { status: answer.status, headers });
  }
  // A 204 has no body (the Response constructor refuses one, even empty).
  const body = answer.status === 204 ? null : answer.body;
  return new Response(body, { status: answer.status, headers });
}

/** A streamed answer as a ReadableStream: `pull` means the client caught up, `cancel` it left. */
function streamBody(stream: AnswerStream): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let handlers: StreamHandlers | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    handlers?.closed();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      handlers = stream({
        write: (chunk) => {
          if (closed) return false;
          controller.enqueue(encoder.encode(chunk));
          return (controller.desiredSize ?? 1) > 0;
        },
        end: () => {
          if (closed) return;
          controller.close();
          close();
        },
      });
    },
    pull() {
      handlers?.drained();
    },
    cancel() {
      close();
    },
  });
}

class FetchHttpRequest implements HttpRequest {
  readonly #request: Request;
  readonly url: string;
  #onAbort: (() => void) | undefined;

  constructor(request: Request, url: string) {
    this.#request = request;
    this.url = url;
  }

  get method(): string {
    return this.#request.method;
  }

  header(name: string): string | undefined {
    return this.#request.headers.get(name) ?? undefined;
  }

  /** `handler` runs when a body read failed because the client went away. */
  onAbort(handler: () => void): void {
    this.#onAbort = handler;
  }

  discardBody(): void {
    // Bun discards a body nobody reads.
  }

  async readBody(maxBytes: number, timeoutMs: number): Promise<Buffer> {
    try {
      return await readLimited(this.#request, maxBytes, timeoutMs);
    } catch (error) {
      if (error instanceof RequestAbortedError) this.#onAbort?.();
      throw error;
    }
  }
}

/**
 * The body of `request`, at most `maxBytes`, complete within `timeoutMs`: a declared length over
 * the cap is refused at once (413), an actual one as it arrives; a late body gets 408.
 */
async function readLimited(request: Request, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  const tooLarge = () =>
    new HttpStatusError(413, `Request body is larger than the limit of ${maxBytes} bytes`);
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const body = request.body;
  if (body === null) return EMPTY;
  const reader = body.getReader();
  const chunks: Buffer[] = [];
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new HttpStatusError(408, `Request body not received within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), deadline]);
      if (chunk.done) break;
      received += chunk.value.byteLength;
      if (received > maxBytes) throw tooLarge();
      chunks.push(Buffer.from(chunk.value.buffer, chunk.value.byteOffset, chunk.value.byteLength));
    }
  } catch (error) {
    void reader.cancel().catch(() => undefined);
    if (error instanceof HttpStatusError) throw error;
    throw new RequestAbortedError('client closed the request');
  } finally {
    clearTimeout(timer);
  }
  if (chunks.length === 0) return EMPTY;
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received);
}
