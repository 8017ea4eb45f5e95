/**
 * @module test/helpers/sse-client
 * A Server-Sent Events reader for the console tests: fetch with a streamed body, parsed into
 * `{event, data}` messages; waits resolve on arrival; closed after the test.
 */
import { onTestFinished } from 'vitest';

export interface SseMessage {
  readonly event: string;
  readonly data: string;
}

type Waiter = { predicate: (message: SseMessage) => boolean; resolve: (m: SseMessage) => void };

/** One open stream. */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly #abort: AbortController;
  #waiters: Waiter[] = [];

  private constructor(abort: AbortController, body: ReadableStream<Uint8Array>) {
    this.#abort = abort;
    void this.#read(body);
  }

  /** Opens `url`; resolves to the client, or to the status and body of a refusal. */
  static async open(
    url: string,
  ): Promise<SseClient | { readonly status: number; readonly body: string }> {
    const abort = new AbortController();
    const response = await fetch(url, { signal: abort.signal });
    if (response.status !== 200 || response.body === null) {
      return { status: response.status, body: await response.text() };
    }
    const client = new SseClient(abort, response.body);
    onTestFinished(() => client.close());
    return client;
  }

  /** Opens `url` and fails the test unless it is a stream. */
  static async connect(url: string): Promise<SseClient> {
    const client = await SseClient.open(url);
    if (!(client instanceof SseClient)) {
      throw new Error(`stream refused: ${client.status} ${client.body}`);
    }
    await client.next((message) => message.event === 'hello');
    return client;
  }

  /** Parsed `entry` messages so far. */
  entries(): Record<string, unknown>[] {
    return this.messages
      .filter((message) => message.event === 'entry')
      .map((message) => JSON.parse(message.data) as Record<string, unknown>);
  }

  /** The first message (already received or coming) that matches. */
  next(predicate: (message: SseMessage) => boolean, timeoutMs = 5000): Promise<SseMessage> {
    const found = this.messages.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('no matching SSE message in time')),
        timeoutMs,
      );
      this.#waiters.push({
        predicate,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  }

  /** The first entry whose fields include `fields`. */
  async entry(fields: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const message = await this.next((candidate) => {
      if (candidate.event !== 'entry') return false;
      const entry = JSON.parse(candidate.data) as Record<string, unknown>;
      return Object.entries(fields).every(([key, value]) => entry[key] === value);
    });
    return JSON.parse(message.data) as Record<string, unknown>;
  }

  close(): void {
    this.#abort.abort();
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          this.#parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  }

  #parse(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) return;
    const message = { event, data: data.join('\n') };
    this.messages.push(message);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (waiter.predicate(message)) waiter.resolve(message);
      else this.#waiters.push(waiter);
    }
  }
}
