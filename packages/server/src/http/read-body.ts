/**
 * @module http/read-body
 * Reads a request body into one buffer with a hard size cap. Past the cap nothing more is kept:
 * the rest is discarded (so the client can still read the 413), and a client that keeps sending
 * far beyond the cap has its connection closed.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error';

/** Bytes past the cap that are read and thrown away before the connection is cut. */
const MAX_DISCARDED_BYTES = 8_388_608;

/** The client went away before the body was complete: nothing can be answered. */
export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError';
}

const EMPTY = Buffer.alloc(0);

/**
 * Resolves to the raw body bytes. Rejects with a 413 {@link HttpError} when the body is larger
 * than `maxBytes` (declared or actual), or with {@link RequestAbortedError}.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > maxBytes;
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;

    const cleanup = () => {
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
    const tooLargeError = () =>
      new HttpError(413, `Request body is larger than the limit of ${maxBytes} bytes`);

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
