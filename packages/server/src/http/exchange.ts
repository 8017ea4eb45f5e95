/**
 * @module http/exchange
 * The seam between the REST handler and an HTTP implementation: one request as the handler reads
 * it ({@link HttpRequest}) and the complete answer it gives back ({@link HttpAnswer}).
 */

/** One HTTP request, whatever server received it. */
export interface HttpRequest {
  readonly method: string;
  /** The request target: path and query, still percent-encoded. */
  readonly url: string;
  /** A request header (`name` in lower case); repeated headers joined with `, `. */
  header(name: string): string | undefined;
  /**
   * Reads the whole body, at most `maxBytes`, within `timeoutMs`. Rejects with a 413 or 408
   * HttpStatusError, or with a RequestAbortedError when the client went away.
   */
  readBody(maxBytes: number, timeoutMs: number): Promise<Buffer>;
  /** The body is not needed: let it be read and dropped. */
  discardBody(): void;
}

/** Where a streamed body is written. */
export interface StreamSink {
  /** Writes a chunk; false when the client is slow (wait for {@link StreamHandlers.drained}). */
  write(chunk: string): boolean;
  /** Ends the response. */
  end(): void;
}

/** What the transport tells a streamed answer. */
export interface StreamHandlers {
  /** The client caught up after a `write` answered false. */
  drained(): void;
  /** The response is over (ended or the client went away); called once. */
  closed(): void;
}

/** A body written over time (Server-Sent Events): started once the head is sent. */
export type AnswerStream = (sink: StreamSink) => StreamHandlers;

/** A complete response, or the head of a streamed one. */
export interface HttpAnswer {
  readonly status: number;
  /**
   * Lower-case header names; `content-type` and `content-length` always present, except on a 204
   * (no body).
   */
  readonly headers: Readonly<Record<string, string | number>>;
  readonly body: string;
  /** The body was not read: the connection cannot carry another request. */
  readonly closeConnection: boolean;
  /**
   * A streamed body instead of `body` (then `headers` have no `content-length`). The transport
   * sends the head, then calls it with the sink.
   */
  readonly stream?: AnswerStream;
}

/** Called once per request with its answer; never called when the client went away. */
export type Respond = (answer: HttpAnswer) => void;
