/**
 * @module transports/node/read-body
 * Reads a request body into one buffer with a hard size cap and a deadline. A declared
 * `Content-Length` over the cap is refused at once, without waiting for the body. Past the cap
 * nothing more is kept: the rest is discarded (so the client can still read the 413), and a client
 * that keeps sending far beyond the cap has its connection closed. A body not complete by the
 * deadline is refused with 408.
 */
import type { IncomingMessage } from 'node:http';
import { HttpStatusError, RequestAbortedError } from '../../http/http-status-error';

/** Bytes past the cap that are read and thrown away before the connection is cut. */
const MAX_DISCARDED_BYTES = 8_388_608;

const EMPTY = Buffer.alloc(0);

/**
 * Resolves to the raw body bytes. Rejects with a 413 {@link HttpStatusError} when the body is larger
 * than `maxBytes` (a declared length at once, an actual one as it arrives), with a 408 when it is
 * not complete within `timeoutMs`, or with {@link RequestAbortedError}. After a 408 or 413 the
 * caller answers with `Connection: close`.
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
  timeoutMs: number,
): Promise<Buffer> {
  const tooLargeError = () =>
    new HttpStatusError(413, `Request body is larger than the limit of ${maxBytes} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLargeError());
  return new Promise((resolve, reject) => {
    let tooLarge = false;
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const timer = setTimeout(() => {
      fail(new HttpStatusError(408, `Request body not received within ${timeoutMs} ms`));
    }, timeoutMs);

    const cleanup = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (!tooLarge && received > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
      }
      if (tooLarge) {
        if (received > maxBytes + MAX_DISCARDED_BYTES) {
          fail(tooLargeError());
          req.destroy();
        }
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (settled) return;
      settled = true;
      cleanup();
      if (tooLarge) reject(tooLargeError());
      else if (chunks.length === 0) resolve(EMPTY);
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
    };
    const onError = () => fail(new RequestAbortedError('request stream failed'));
    const onClose = () => {
      if (!req.complete) fail(new RequestAbortedError('client closed the request'));
    };

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
