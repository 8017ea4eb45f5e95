/**
 * The HTTP/1.1 response parser of the Node transport: lengths, chunked coding, close-delimited
 * bodies, 1xx skipping, keep-alive rules, UTF-8 split across reads, malformed input.
 */
import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, HttpParseError, ResponseParser } from '../src/transport/http1-parser';

/** Bytes of a UTF-8 string as a latin1 string (what the socket delivers). */
const bytes = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

function feedAll(parser: ResponseParser, parts: string[]) {
  let result: ReturnType<ResponseParser['feed']>;
  for (const part of parts) result = parser.feed(part);
  return result;
}

describe('ResponseParser', () => {
  it('reads a Content-Length body in one or many pieces', () => {
    const raw = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';
    expect(new ResponseParser().feed(raw)).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json', 'content-length': '2' },
      body: '{}',
      keepAlive: true,
    });
    const parser = new ResponseParser();
    const pieces = raw.split('');
    const last = pieces.pop() as string;
    for (const piece of pieces) expect(parser.feed(piece)).toBeUndefined();
    expect(parser.feed(last)?.body).toBe('{}');
  });

  it('decodes UTF-8 split across reads', () => {
    const body = bytes('{"name":"ą§¶™€"}');
    const raw = `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const parser = new ResponseParser();
    const result = feedAll(parser, [raw.slice(0, raw.length - 3), raw.slice(-3)]);
    expect(result?.body).toBe('{"name":"ą§¶™€"}');
  });

  it('reads chunked bodies with extensions and trailers', () => {
    const parser = new ResponseParser();
    const result = feedAll(parser, [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
      '4;ext=1\r\nWiki\r\n',
      '5\r\npedia\r',
      '\n0\r\nX-Trailer: 1\r\n\r\n',
    ]);
    expect(result?.body).toBe('Wikipedia');
    expect(result?.keepAlive).toBe(true);
    expect(
      new ResponseParser().feed('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n')
        ?.body,
    ).toBe('');
  });

  it('reads a close-delimited body on finish(), and never keeps that connection', () => {
    const parser = new ResponseParser();
    expect(parser.feed('HTTP/1.1 200 OK\r\n\r\nhello ')).toBeUndefined();
    expect(parser.feed('world')).toBeUndefined();
    expect(parser.finish()).toEqual({
      status: 200,
      headers: {},
      body: 'hello world',
      keepAlive: false,
    });
  });

  it('skips 1xx responses; 204 and 304 have no body', () => {
    const result = new ResponseParser().feed(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc',
    );
    expect(result?.status).toBe(201);
    expect(new ResponseParser().feed('HTTP/1.1 204 No Content\r\n\r\n')?.body).toBe('');
  });

  it('applies keep-alive rules: Connection: close, HTTP/1.0, trailing garbage', () => {
    expect(
      new ResponseParser().feed('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
        ?.keepAlive,
    ).toBe(false);
    expect(
      new ResponseParser().feed('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')?.keepAlive,
    ).toBe(false);
    expect(
      new ResponseParser().feed(
        'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n',
      )?.keepAlive,
    ).toBe(true);
    expect(
      new ResponseParser().feed('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab')?.keepAlive,
    ).toBe(false);
  });

  it('joins repeated headers and lower-cases names', () => {
    const result = new ResponseParser().feed(
      'HTTP/1.1 429 Too Many\r\nRetry-After: 3\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 0\r\n\r\n',
    );
    expect(result?.headers).toEqual({ 'retry-after': '3', 'x-a': '1, 2', 'content-length': '0' });
  });

  it.each([
    ['bad status line', 'HTTP/2 200 OK\r\n\r\n'],
    ['bad header', 'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n'],
    ['bad length', 'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n'],
    ['bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['unsupported coding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n'],
  ])('throws HttpParseError on %s', (_name, raw) => {
    expect(() => new ResponseParser().feed(raw)).toThrow(HttpParseError);
  });

  it('refuses an endless head', () => {
    const parser = new ResponseParser();
    expect(() => parser.feed(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`)).toThrow(/too large/);
  });
  it('checks chunk framing strictly and accepts long zero-padded sizes', () => {
    expect(() =>
      new ResponseParser().feed(
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n',
      ),
    ).toThrow(/not followed by CRLF/);
    expect(
      new ResponseParser().feed(
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0000000000000003\r\nabc\r\n0\r\n\r\n',
      )?.body,
    ).toBe('abc');
    expect(() =>
      new ResponseParser().feed(
        `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${'x'.repeat(5000)}`,
      ),
    ).toThrow(/chunk-size line too large/);
    expect(() =>
      new ResponseParser().feed(
        `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n${'T: 1\r\n'.repeat(20_000)}`,
      ),
    ).toThrow(/trailer section too large/);
  });

  it('bounds the body: Content-Length up front, chunked and close-delimited as they grow', () => {
    const small = { maxBodyBytes: 10 };
    expect(() =>
      new ResponseParser(small).feed('HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n'),
    ).toThrow(/response body too large \(over 10 bytes\)/);
    expect(() =>
      new ResponseParser(small).feed(
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n3\r\n',
      ),
    ).toThrow(/response body too large/);
    const parser = new ResponseParser(small);
    parser.feed('HTTP/1.1 200 OK\r\n\r\n123456');
    expect(() => parser.feed('78901')).toThrow(/response body too large/);
    expect(
      new ResponseParser(small).feed('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n1234567890')
        ?.body,
    ).toBe('1234567890');
  });

  it('framing edge cases: TE with CL, repeated lengths, trailing bytes after a 204', () => {
    const both = new ResponseParser().feed(
      'HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n',
    );
    expect(both).toMatchObject({ body: 'a', keepAlive: false });
    expect(
      new ResponseParser().feed(
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}',
      )?.body,
    ).toBe('{}');
    expect(() =>
      new ResponseParser().feed('HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\n{}'),
    ).toThrow(/invalid content-length/);
    expect(new ResponseParser().feed('HTTP/1.1 204 No Content\r\n\r\njunk')?.keepAlive).toBe(false);
  });

  it.each([
    ['101 Switching Protocols', 'HTTP/1.1 101 Switching Protocols\r\n\r\n'],
    ['obsolete line folding', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n'],
    ['a coding before chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'],
    ['chunked not last', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, identity\r\n\r\n'],
    ['a status below 100', 'HTTP/1.1 099 Odd\r\n\r\n'],
    ['endless interim responses', 'HTTP/1.1 100 Continue\r\n\r\n'.repeat(17)],
  ])('refuses %s', (_name, raw) => {
    expect(() => new ResponseParser().feed(raw)).toThrow(HttpParseError);
  });

  it.each([
    ['Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nWikipedia'],
    [
      'chunked with extensions and trailers',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '4;ext=1\r\nWiki\r\n 005 \r\npedia\r\n0\r\nX-Trailer: 1\r\nY: 2\r\n\r\n',
    ],
  ])('gives the same response fed whole, as bytes, or one byte at a time (%s)', (_name, raw) => {
    const whole = new ResponseParser().feed(raw);
    expect(whole?.body).toBe('Wikipedia');
    expect(new ResponseParser().feed(Buffer.from(raw, 'latin1'))).toEqual(whole);
    const parser = new ResponseParser();
    const data = Buffer.from(raw, 'latin1');
    for (let i = 0; i < data.length - 1; i++) {
      expect(parser.feed(data.subarray(i, i + 1))).toBeUndefined();
    }
    expect(parser.feed(data.subarray(data.length - 1))).toEqual(whole);
  });

  it('counts the body cap in bytes and refuses a chunk that would pass it before reading it', () => {
    const parser = new ResponseParser({ maxBodyBytes: 4 });
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    // 'éé' is 2 characters but 4 bytes: it fits; one more byte does not.
    expect(parser.feed(`${head}4\r\n${bytes('éé')}\r\n`)).toBeUndefined();
    expect(() => parser.feed('1\r\n')).toThrow(BodyTooLargeError);
    const oneByteChunks = new ResponseParser({ maxBodyBytes: 4 });
    oneByteChunks.feed(head);
    for (let i = 0; i < 4; i++) oneByteChunks.feed('1\r\na\r\n');
    expect(() => oneByteChunks.feed('1\r\n')).toThrow(/response body too large \(over 4 bytes\)/);
  });

  it('started is true from the first byte of a response, interim ones included', () => {
    const parser = new ResponseParser();
    expect(parser.started).toBe(false);
    parser.feed('HTTP/1.1 100 Continue\r\n\r\n');
    expect(parser.started).toBe(true);
    parser.reset();
    expect(parser.started).toBe(false);
  });
});
