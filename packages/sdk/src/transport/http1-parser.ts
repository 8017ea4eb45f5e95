/**
 * @module transport/http1-parser
 * An incremental HTTP/1.1 response parser over bytes (socket chunks of any size, down to one
 * byte): status line, headers, then a body delimited by Content-Length, chunked transfer coding
 * (extensions and trailers skipped), or the end of the connection. Interim 1xx responses
 * (100 Continue, 103 Early Hints) are skipped. Every buffer is bounded: the head, each chunk-size
 * and trailer line, and the body (`maxBodyBytes`, counted in bytes); anything larger, or anything
 * that is not HTTP/1.x framing, is an HttpParseError. The body is collected as bytes in one
 * ByteBuffer (never a string per chunk) and decoded once, so memory stays within about twice the
 * cap whatever the chunking. Work per feed is linear in the bytes fed. Pure: no I/O.
 * @see https://www.rfc-editor.org/rfc/rfc9112
 */
import { utf8Decode } from '../crypto/encoding';
import { ByteBuffer } from './byte-buffer';
import { DEFAULT_MAX_RESPONSE_BODY_BYTES, RESPONSE_TOO_LARGE_CODE } from './types';

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
  override readonly name: string = 'HttpParseError';
  readonly code: string = 'ERR_HTTP_PARSE';
}

/** The response body is larger than `maxBodyBytes`. */
export class BodyTooLargeError extends HttpParseError {
  override readonly name: string = 'BodyTooLargeError';
  override readonly code: string = RESPONSE_TOO_LARGE_CODE;
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(`response body too large (over ${limitBytes} bytes)`);
    this.limitBytes = limitBytes;
  }
}

/** Largest response head (status line and headers), in bytes. */
export const MAX_RESPONSE_HEAD_BYTES = 64 * 1024;
export { DEFAULT_MAX_RESPONSE_BODY_BYTES };

/** Largest chunk-size line (size and extensions), in bytes. */
const MAX_CHUNK_LINE_BYTES = 4 * 1024;
/** Most interim (1xx) responses accepted before the final one. */
const MAX_INTERIM_RESPONSES = 16;

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

const CR = 0x0d;
const LF = 0x0a;
const COLON = 0x3a;
/** Storage allocated up front for a Content-Length body (it grows as bytes actually arrive). */
const INITIAL_LENGTH_BODY_BYTES = 64 * 1024;
/** Bytes turned into characters per String.fromCharCode call. */
const LATIN1_SLICE = 8192;

/** `bytes[start, end)` as a latin1 string (one char per byte); used for the head and lines. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i += LATIN1_SLICE) {
    text += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + LATIN1_SLICE)));
  }
  return text;
}

/** A latin1 string (one char per byte, as tests write raw responses) as bytes. */
function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Most hex digits read on the fast path (exact in a double, and over any cap). */
const MAX_PLAIN_SIZE_DIGITS = 12;

/**
 * A chunk-size line made of hex digits and CRLF only, read from `bytes` at `from`: the size and
 * the index after the CRLF. Undefined for anything else (extensions, spaces, too many digits, or
 * an incomplete line), which the general path handles.
 */
function plainChunkSize(
  bytes: Uint8Array,
  from: number,
): { readonly size: number; readonly next: number } | undefined {
  let size = 0;
  let i = from;
  for (; i < bytes.length && i - from <= MAX_PLAIN_SIZE_DIGITS; i++) {
    const byte = bytes[i] as number;
    let digit: number;
    if (byte >= 0x30 && byte <= 0x39) digit = byte - 0x30;
    else if ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66) digit = (byte | 0x20) - 0x57;
    else break;
    size = size * 16 + digit;
  }
  const digits = i - from;
  if (digits === 0 || digits > MAX_PLAIN_SIZE_DIGITS || i + 1 >= bytes.length) return undefined;
  if (bytes[i] !== CR || bytes[i + 1] !== LF) return undefined;
  return { size, next: i + 2 };
}

/** Index of the first CRLF in `bytes` at or after `from`, or -1. */
function indexOfCrlf(bytes: Uint8Array, from: number): number {
  for (let i = bytes.indexOf(CR, from); i >= 0; i = bytes.indexOf(CR, i + 1)) {
    if (i + 1 >= bytes.length) return -1;
    if (bytes[i + 1] === LF) return i;
  }
  return -1;
}

/** Index of the first CRLFCRLF in `bytes` at or after `from`, or -1. */
function indexOfBlankLine(bytes: Uint8Array, from: number): number {
  for (let i = indexOfCrlf(bytes, from); i >= 0; i = indexOfCrlf(bytes, i + 2)) {
    if (bytes[i + 2] === CR && bytes[i + 3] === LF) return i;
    if (i + 3 >= bytes.length) return -1;
  }
  return -1;
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
    if (length > maxBodyBytes) throw new BodyTooLargeError(maxBodyBytes);
    mode = length === 0 ? 'none' : 'length';
  } else {
    mode = 'close';
    keepAlive = false;
  }
  return { status, headers, keepAlive, mode, length };
}

/** What the parser expects next. */
type Phase = 'head' | 'length' | 'close' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers';

/** Parses one response at a time; call `reset()` before reusing it for the next request. */
export class ResponseParser {
  readonly #maxBodyBytes: number;
  /** Bytes fed but not consumed yet: an incomplete head, chunk-size line, CRLF or trailer line. */
  readonly #carry = new ByteBuffer(Number.POSITIVE_INFINITY);
  /** How many bytes of `#carry` are known not to hold the delimiter being looked for. */
  #scanned = 0;
  #phase: Phase = 'head';
  #head: Head | undefined;
  #body: ByteBuffer | undefined;
  /** Bytes left in the Content-Length body or in the current chunk. */
  #remaining = 0;
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
    this.#carry.clear();
    this.#scanned = 0;
    this.#phase = 'head';
    this.#head = undefined;
    this.#body = undefined;
    this.#remaining = 0;
    this.#interimCount = 0;
    this.#trailerBytes = 0;
    this.#started = false;
  }

  /**
   * Feeds bytes (a string is taken as latin1, one char per byte); returns the response once
   * complete. Throws HttpParseError on bad input, BodyTooLargeError as soon as the body is over
   * the cap.
   */
  feed(chunk: Uint8Array | string): ParsedResponse | undefined {
    const bytes = typeof chunk === 'string' ? latin1Bytes(chunk) : chunk;
    if (bytes.length > 0) this.#started = true;
    const carried = this.#carry.length > 0;
    if (carried) this.#carry.append(bytes);
    const input = carried ? this.#carry.view() : bytes;
    let response: ParsedResponse | undefined;
    let consumed: number;
    try {
      [response, consumed] = this.#parse(input);
    } catch (error) {
      this.reset();
      throw error;
    }
    if (response) return response;
    // Keep the unconsumed tail (bounded: a partial head or line) for the next feed.
    if (carried) this.#carry.discard(consumed);
    else this.#carry.append(input, consumed);
    return undefined;
  }

  /** The connection ended: completes a close-delimited body, else undefined (incomplete). */
  finish(): ParsedResponse | undefined {
    const head = this.#head;
    if (this.#phase !== 'close' || head === undefined) return undefined;
    return this.#complete(head, false);
  }

  /** Parses from the start of `input`: the response when complete, and the bytes consumed. */
  #parse(input: Uint8Array): [ParsedResponse | undefined, number] {
    let pos = 0;
    for (;;) {
      const available = input.length - pos;
      switch (this.#phase) {
        case 'head': {
          const end = indexOfBlankLine(input, pos + Math.max(0, this.#scanned - 3));
          if (end < 0) {
            if (available > MAX_RESPONSE_HEAD_BYTES) {
              throw tooLarge('response head', MAX_RESPONSE_HEAD_BYTES);
            }
            this.#scanned = available;
            return [undefined, pos];
          }
          if (end - pos > MAX_RESPONSE_HEAD_BYTES) {
            throw tooLarge('response head', MAX_RESPONSE_HEAD_BYTES);
          }
          const head = parseHead(latin1(input, pos, end), this.#maxBodyBytes);
          pos = end + 4;
          this.#scanned = 0;
          if (head.status < 200) {
            if (++this.#interimCount > MAX_INTERIM_RESPONSES) {
              throw new HttpParseError(
                `more than ${MAX_INTERIM_RESPONSES} interim (1xx) responses`,
              );
            }
            continue;
          }
          this.#head = head;
          this.#startBody(head);
          if (head.mode === 'none') return [this.#complete(head, pos < input.length), pos];
          continue;
        }
        case 'length': {
          const count = Math.min(this.#remaining, available);
          this.#appendBody(input, pos, pos + count);
          pos += count;
          this.#remaining -= count;
          if (this.#remaining > 0) return [undefined, pos];
          return [this.#complete(this.#head as Head, pos < input.length), pos];
        }
        case 'close':
          this.#appendBody(input, pos, input.length);
          return [undefined, input.length];
        case 'chunk-size': {
          // Fast path for the common line: hex digits then CRLF, read straight from the bytes.
          const plain = plainChunkSize(input, pos);
          if (plain !== undefined) {
            this.#checkChunkFits(plain.size);
            pos = plain.next;
            this.#scanned = 0;
            if (plain.size === 0) this.#phase = 'trailers';
            else {
              this.#remaining = plain.size;
              this.#phase = 'chunk-data';
            }
            continue;
          }
          const lineEnd = indexOfCrlf(input, pos + Math.max(0, this.#scanned - 1));
          if (lineEnd < 0) {
            if (available > MAX_CHUNK_LINE_BYTES) {
              throw tooLarge('chunk-size line', MAX_CHUNK_LINE_BYTES);
            }
            this.#scanned = available;
            return [undefined, pos];
          }
          if (lineEnd - pos > MAX_CHUNK_LINE_BYTES) {
            throw tooLarge('chunk-size line', MAX_CHUNK_LINE_BYTES);
          }
          const size = this.#chunkSize(latin1(input, pos, lineEnd));
          pos = lineEnd + 2;
          this.#scanned = 0;
          if (size === 0) this.#phase = 'trailers';
          else {
            this.#remaining = size;
            this.#phase = 'chunk-data';
          }
          continue;
        }
        case 'chunk-data': {
          const count = Math.min(this.#remaining, available);
          this.#appendBody(input, pos, pos + count);
          pos += count;
          this.#remaining -= count;
          if (this.#remaining > 0) return [undefined, pos];
          this.#phase = 'chunk-end';
          continue;
        }
        case 'chunk-end':
          if (available < 2) return [undefined, pos];
          if (input[pos] !== CR || input[pos + 1] !== LF) {
            throw new HttpParseError('chunk data is not followed by CRLF');
          }
          pos += 2;
          this.#phase = 'chunk-size';
          continue;
        case 'trailers': {
          // Trailer fields are ignored, up to an empty line.
          const lineEnd = indexOfCrlf(input, pos + Math.max(0, this.#scanned - 1));
          if (lineEnd < 0) {
            if (this.#trailerBytes + available > MAX_RESPONSE_HEAD_BYTES) {
              throw tooLarge('trailer section', MAX_RESPONSE_HEAD_BYTES);
            }
            this.#scanned = available;
            return [undefined, pos];
          }
          this.#scanned = 0;
          if (lineEnd === pos) {
            return [this.#complete(this.#head as Head, lineEnd + 2 < input.length), lineEnd + 2];
          }
          this.#trailerBytes += lineEnd - pos + 2;
          if (this.#trailerBytes > MAX_RESPONSE_HEAD_BYTES) {
            throw tooLarge('trailer section', MAX_RESPONSE_HEAD_BYTES);
          }
          if (input.subarray(pos, lineEnd).indexOf(COLON) <= 0) {
            throw new HttpParseError('invalid trailer line');
          }
          pos = lineEnd + 2;
          continue;
        }
      }
    }
  }

  #startBody(head: Head): void {
    switch (head.mode) {
      case 'none':
        return;
      case 'length':
        this.#body = new ByteBuffer(head.length, Math.min(head.length, INITIAL_LENGTH_BODY_BYTES));
        this.#remaining = head.length;
        this.#phase = 'length';
        return;
      case 'close':
        this.#body = new ByteBuffer(this.#maxBodyBytes);
        this.#phase = 'close';
        return;
      case 'chunked':
        this.#body = new ByteBuffer(this.#maxBodyBytes);
        this.#phase = 'chunk-size';
        return;
    }
  }

  /** The size on a chunk-size line (extensions ignored); throws when the body would pass the cap. */
  #chunkSize(line: string): number {
    const semicolon = line.indexOf(';');
    const sizeText = (semicolon < 0 ? line : line.slice(0, semicolon)).trim();
    if (!HEX_DIGITS.test(sizeText)) throw new HttpParseError('invalid chunk size');
    const digits = sizeText.replace(LEADING_ZEROS, '');
    // Up to 12 hex digits stay exact in a double; longer is over any cap anyway.
    const size = digits.length > 12 ? Number.POSITIVE_INFINITY : Number.parseInt(digits, 16);
    this.#checkChunkFits(size);
    return size;
  }

  /** Throws BodyTooLargeError when a chunk of `size` bytes would take the body over the cap. */
  #checkChunkFits(size: number): void {
    if ((this.#body?.length ?? 0) + size > this.#maxBodyBytes) {
      throw new BodyTooLargeError(this.#maxBodyBytes);
    }
  }

  #appendBody(input: Uint8Array, start: number, end: number): void {
    if (!(this.#body as ByteBuffer).append(input, start, end)) {
      throw new BodyTooLargeError(this.#maxBodyBytes);
    }
  }

  #complete(head: Head, extraBytes: boolean): ParsedResponse {
    const body = this.#body;
    const response: ParsedResponse = {
      status: head.status,
      headers: head.headers,
      body: body === undefined || body.length === 0 ? '' : utf8Decode(body.view()),
      // Bytes after the response (unsolicited data): the connection cannot be trusted.
      keepAlive: head.keepAlive && !extraBytes,
    };
    this.reset();
    return response;
  }
}
