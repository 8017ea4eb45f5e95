/**
 * @module transport/http1-parser
 * An incremental HTTP/1.1 response parser over latin1 strings (one char per byte, as a socket
 * with `setEncoding('latin1')` delivers them): status line, headers, then a body delimited by
 * Content-Length, chunked transfer coding (extensions and trailers skipped), or the end of the
 * connection. Interim 1xx responses (100 Continue, 103 Early Hints) are skipped. Every buffer is
 * bounded: the head, each chunk-size and trailer line, and the body (`maxBodyBytes`); anything
 * larger, or anything that is not HTTP/1.x framing, is an HttpParseError. Pure: no I/O.
 * @see https://www.rfc-editor.org/rfc/rfc9112
 */
import { utf8Decode } from '../crypto/encoding';

export interface ParsedResponse {
  readonly status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
  /** The body decoded as UTF-8. */
  readonly body: string;
  /** Whether the connection can carry another request. */
  readonly keepAlive: boolean;
}

/** The response is not valid HTTP/1.x, or exceeds a size bound. */
export class HttpParseError extends Error {
  override readonly name = 'HttpParseError';
  readonly code = 'ERR_HTTP_PARSE';
}

/** Largest response head (status line and headers), in bytes. */
export const MAX_RESPONSE_HEAD_BYTES = 64 * 1024;
/** Largest response body accepted by default, in bytes (Pusher's answers are far smaller). */
export const DEFAULT_MAX_RESPONSE_BODY_BYTES = 16 * 1024 * 1024;
/** Largest chunk-size line (size and extensions), in bytes. */
const MAX_CHUNK_LINE_BYTES = 4 * 1024;
/** Most interim (1xx) responses accepted before the final one. */
const MAX_INTERIM_RESPONSES = 16;

const NON_ASCII = /[\u0080-\uffff]/;
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d{2})(?: |$)/;
const DIGITS = /^\d+$/;
const HEX_DIGITS = /^[0-9a-fA-F]+$/;
const LEADING_ZEROS = /^0+(?=.)/;

export interface ResponseParserOptions {
  /** Largest body accepted, in bytes. @default DEFAULT_MAX_RESPONSE_BODY_BYTES */
  readonly maxBodyBytes?: number;
}

type BodyMode = 'none' | 'length' | 'chunked' | 'close';

interface Head {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly keepAlive: boolean;
  readonly mode: BodyMode;
  readonly length: number;
}

/** Latin1 (byte) string to UTF-8 text. */
function decodeBody(bytes: string): string {
  if (!NON_ASCII.test(bytes)) return bytes;
  const array = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
  return utf8Decode(array);
}

function tooLarge(what: string, limit: number): HttpParseError {
  return new HttpParseError(`${what} too large (over ${limit} bytes)`);
}

/** Content-Length: digits; repeated identical values (`2, 2`) are one value (RFC 9110 §8.6). */
function contentLength(text: string): number {
  const values = text.split(',');
  const first = (values[0] as string).trim();
  for (const value of values) {
    if (value.trim() !== first || !DIGITS.test(first)) {
      throw new HttpParseError('invalid content-length');
    }
  }
  return Number(first);
}

function parseHead(text: string, maxBodyBytes: number): Head {
  const lines = text.split('\r\n');
  const match = STATUS_LINE.exec(lines[0] ?? '');
  if (!match) throw new HttpParseError('invalid status line');
  const minor = match[1];
  const status = Number(match[2]);
  if (status === 101) throw new HttpParseError('unexpected 101 Switching Protocols');
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    // No name, or obsolete line folding (a line starting with whitespace).
    if (colon <= 0 || line.charCodeAt(0) === 0x20 || line.charCodeAt(0) === 0x09) {
      throw new HttpParseError('invalid header line');
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous}, ${value}`;
  }
  const connection = headers['connection']?.toLowerCase() ?? '';
  let keepAlive = minor === '1' ? !connection.includes('close') : connection.includes('keep-alive');
  let mode: BodyMode;
  let length = 0;
  const transferEncoding = headers['transfer-encoding']?.toLowerCase();
  if (status < 200 || status === 204 || status === 304) mode = 'none';
  else if (transferEncoding !== undefined && transferEncoding !== 'identity') {
    const codings = transferEncoding.split(',').map((coding) => coding.trim());
    if (codings.some((coding) => coding !== 'chunked' && coding !== 'identity')) {
      throw new HttpParseError(`unsupported transfer-encoding '${transferEncoding}'`);
    }
    if (codings[codings.length - 1] !== 'chunked') {
      throw new HttpParseError('transfer-encoding does not end with chunked');
    }
    mode = 'chunked';
    // Both framings at once: the length is ignored and the connection is not reused (RFC 9112 §6.3).
    if (headers['content-length'] !== undefined) keepAlive = false;
  } else if (headers['content-length'] !== undefined) {
    length = contentLength(headers['content-length']);
    if (length > maxBodyBytes) throw tooLarge('response body', maxBodyBytes);
    mode = length === 0 ? 'none' : 'length';
  } else {
    mode = 'close';
    keepAlive = false;
  }
  return { status, headers, keepAlive, mode, length };
}

/** Parses one response at a time; call `reset()` before reusing it for the next request. */
export class ResponseParser {
  readonly #maxBodyBytes: number;
  #buffer = '';
  #head: Head | undefined;
  #body = '';
  /** Chunked: size of the chunk being read, or -1 when a size line is expected next. */
  #chunkRemaining = -1;
  /** Chunked: the last chunk was read; the trailer section comes next. */
  #inTrailers = false;
  #interimCount = 0;
  #trailerBytes = 0;
  #started = false;

  constructor(options: ResponseParserOptions = {}) {
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_RESPONSE_BODY_BYTES;
  }

  /** True once any byte of the current response (interim responses included) has arrived. */
  get started(): boolean {
    return this.#started;
  }

  reset(): void {
    this.#buffer = '';
    this.#head = undefined;
    this.#body = '';
    this.#chunkRemaining = -1;
    this.#inTrailers = false;
    this.#interimCount = 0;
    this.#trailerBytes = 0;
    this.#started = false;
  }

  /** Feeds bytes; returns the response once complete. Throws HttpParseError on bad input. */
  feed(chunk: string): ParsedResponse | undefined {
    if (chunk.length > 0) this.#started = true;
    this.#buffer = this.#buffer ? this.#buffer + chunk : chunk;
    for (;;) {
      if (this.#head === undefined) {
        const end = this.#buffer.indexOf('\r\n\r\n');
        if (end < 0) {
          if (this.#buffer.length > MAX_RESPONSE_HEAD_BYTES) {
            throw tooLarge('response head', MAX_RESPONSE_HEAD_BYTES);
          }
          return undefined;
        }
        if (end > MAX_RESPONSE_HEAD_BYTES) throw tooLarge('response head', MAX_RESPONSE_HEAD_BYTES);
        const head = parseHead(this.#buffer.slice(0, end), this.#maxBodyBytes);
        this.#buffer = this.#buffer.slice(end + 4);
        if (head.status < 200) {
          if (++this.#interimCount > MAX_INTERIM_RESPONSES) {
            throw new HttpParseError(`more than ${MAX_INTERIM_RESPONSES} interim (1xx) responses`);
          }
          continue;
        }
        this.#head = head;
      }
      const head = this.#head;
      switch (head.mode) {
        case 'none':
          return this.#complete(head, '', this.#buffer.length > 0);
        case 'length':
          if (this.#buffer.length < head.length) return undefined;
          return this.#complete(
            head,
            this.#buffer.slice(0, head.length),
            this.#buffer.length > head.length,
          );
        case 'close':
          if (this.#body.length + this.#buffer.length > this.#maxBodyBytes) {
            throw tooLarge('response body', this.#maxBodyBytes);
          }
          this.#body += this.#buffer;
          this.#buffer = '';
          return undefined;
        case 'chunked':
          return this.#readChunks(head);
      }
    }
  }

  /** The connection ended: completes a close-delimited body, else undefined (incomplete). */
  finish(): ParsedResponse | undefined {
    const head = this.#head;
    if (head?.mode !== 'close') return undefined;
    return this.#complete(head, this.#body);
  }

  #readChunks(head: Head): ParsedResponse | undefined {
    for (;;) {
      if (this.#inTrailers) return this.#readTrailers(head);
      if (this.#chunkRemaining < 0) {
        const lineEnd = this.#buffer.indexOf('\r\n');
        if (lineEnd < 0) {
          if (this.#buffer.length > MAX_CHUNK_LINE_BYTES) {
            throw tooLarge('chunk-size line', MAX_CHUNK_LINE_BYTES);
          }
          return undefined;
        }
        if (lineEnd > MAX_CHUNK_LINE_BYTES) throw tooLarge('chunk-size line', MAX_CHUNK_LINE_BYTES);
        const line = this.#buffer.slice(0, lineEnd);
        const semicolon = line.indexOf(';');
        const sizeText = (semicolon < 0 ? line : line.slice(0, semicolon)).trim();
        if (!HEX_DIGITS.test(sizeText)) throw new HttpParseError('invalid chunk size');
        const digits = sizeText.replace(LEADING_ZEROS, '');
        // Up to 12 hex digits stay exact in a double; longer is over any cap anyway.
        const size = digits.length > 12 ? Number.POSITIVE_INFINITY : Number.parseInt(digits, 16);
        if (this.#body.length + size > this.#maxBodyBytes) {
          throw tooLarge('response body', this.#maxBodyBytes);
        }
        this.#buffer = this.#buffer.slice(lineEnd + 2);
        if (size === 0) {
          this.#inTrailers = true;
          continue;
        }
        this.#chunkRemaining = size;
      }
      if (this.#buffer.length < this.#chunkRemaining + 2) return undefined;
      if (
        this.#buffer.charCodeAt(this.#chunkRemaining) !== 0x0d ||
        this.#buffer.charCodeAt(this.#chunkRemaining + 1) !== 0x0a
      ) {
        throw new HttpParseError('chunk data is not followed by CRLF');
      }
      this.#body += this.#buffer.slice(0, this.#chunkRemaining);
      this.#buffer = this.#buffer.slice(this.#chunkRemaining + 2);
      this.#chunkRemaining = -1;
    }
  }

  /** After the last chunk: trailer fields (ignored) up to an empty line. */
  #readTrailers(head: Head): ParsedResponse | undefined {
    for (;;) {
      const lineEnd = this.#buffer.indexOf('\r\n');
      if (lineEnd < 0) {
        if (this.#buffer.length > MAX_RESPONSE_HEAD_BYTES) {
          throw tooLarge('trailer section', MAX_RESPONSE_HEAD_BYTES);
        }
        return undefined;
      }
      if (lineEnd === 0) {
        return this.#complete(head, this.#body, this.#buffer.length > 2);
      }
      this.#trailerBytes += lineEnd + 2;
      if (this.#trailerBytes > MAX_RESPONSE_HEAD_BYTES) {
        throw tooLarge('trailer section', MAX_RESPONSE_HEAD_BYTES);
      }
      const colon = this.#buffer.indexOf(':');
      if (colon <= 0 || colon > lineEnd) throw new HttpParseError('invalid trailer line');
      this.#buffer = this.#buffer.slice(lineEnd + 2);
    }
  }

  #complete(head: Head, bodyBytes: string, extraBytes = false): ParsedResponse {
    const response: ParsedResponse = {
      status: head.status,
      headers: head.headers,
      body: decodeBody(bodyBytes),
      // Bytes after the response (unsolicited data): the connection cannot be trusted.
      keepAlive: head.keepAlive && !extraBytes,
    };
    this.reset();
    return response;
  }
}
