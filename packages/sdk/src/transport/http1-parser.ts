/**
 * @module transport/http1-parser
 * An incremental HTTP/1.1 response parser over latin1 strings (one char per byte, as a socket
 * with `setEncoding('latin1')` delivers them): status line, headers, then a body delimited by
 * Content-Length, chunked transfer coding, or the end of the connection. 1xx responses are
 * skipped. Pure: no I/O, testable on its own.
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

/** The response is not valid HTTP/1.x. */
export class HttpParseError extends Error {
  override readonly name = 'HttpParseError';
  readonly code = 'ERR_HTTP_PARSE';
}

const MAX_HEAD_CHARS = 64 * 1024;
const NON_ASCII = /[\u0080-\uffff]/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |$)/;

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

function parseHead(text: string): Head {
  const lines = text.split('\r\n');
  const match = STATUS_LINE.exec(lines[0] ?? '');
  if (!match) throw new HttpParseError('invalid status line');
  const minor = match[1];
  const status = Number(match[2]);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new HttpParseError('invalid header line');
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
    if (!transferEncoding.endsWith('chunked'))
      throw new HttpParseError('unsupported transfer-encoding');
    mode = 'chunked';
  } else if (headers['content-length'] !== undefined) {
    const text = headers['content-length'];
    if (!/^\d+$/.test(text)) throw new HttpParseError('invalid content-length');
    length = Number(text);
    mode = length === 0 ? 'none' : 'length';
  } else {
    mode = 'close';
    keepAlive = false;
  }
  return { status, headers, keepAlive, mode, length };
}

/** Parses one response at a time; call `reset()` before reusing it for the next request. */
export class ResponseParser {
  #buffer = '';
  #head: Head | undefined;
  #body = '';
  /** Chunked: size of the chunk being read, or -1 when a size line is expected next. */
  #chunkRemaining = -1;

  /** True once any byte of the current response has arrived. */
  get started(): boolean {
    return this.#buffer.length > 0 || this.#head !== undefined;
  }

  reset(): void {
    this.#buffer = '';
    this.#head = undefined;
    this.#body = '';
    this.#chunkRemaining = -1;
  }

  /** Feeds bytes; returns the response once complete. Throws HttpParseError on bad input. */
  feed(chunk: string): ParsedResponse | undefined {
    this.#buffer = this.#buffer ? this.#buffer + chunk : chunk;
    for (;;) {
      if (this.#head === undefined) {
        const end = this.#buffer.indexOf('\r\n\r\n');
        if (end < 0) {
          if (this.#buffer.length > MAX_HEAD_CHARS)
            throw new HttpParseError('response head too large');
          return undefined;
        }
        const head = parseHead(this.#buffer.slice(0, end));
        this.#buffer = this.#buffer.slice(end + 4);
        if (head.status < 200) continue;
        this.#head = head;
      }
      const head = this.#head;
      switch (head.mode) {
        case 'none':
          return this.#complete(head, '');
        case 'length':
          if (this.#buffer.length < head.length) return undefined;
          return this.#complete(
            head,
            this.#buffer.slice(0, head.length),
            this.#buffer.length > head.length,
          );
        case 'close':
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
      if (this.#chunkRemaining < 0) {
        const lineEnd = this.#buffer.indexOf('\r\n');
        if (lineEnd < 0) return undefined;
        const sizeText = (this.#buffer.slice(0, lineEnd).split(';')[0] ?? '').trim();
        if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new HttpParseError('invalid chunk size');
        const size = Number.parseInt(sizeText, 16);
        if (size === 0) {
          // Last chunk: skip optional trailers up to the empty line.
          const rest = this.#buffer.slice(lineEnd + 2);
          if (rest.startsWith('\r\n')) return this.#complete(head, this.#body, rest.length > 2);
          const trailerEnd = rest.indexOf('\r\n\r\n');
          if (trailerEnd < 0) return undefined;
          return this.#complete(head, this.#body, rest.length > trailerEnd + 4);
        }
        this.#buffer = this.#buffer.slice(lineEnd + 2);
        this.#chunkRemaining = size;
      }
      if (this.#buffer.length < this.#chunkRemaining + 2) return undefined;
      this.#body += this.#buffer.slice(0, this.#chunkRemaining);
      this.#buffer = this.#buffer.slice(this.#chunkRemaining + 2);
      this.#chunkRemaining = -1;
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
