/**
 * @module transport/http-module-transport
 * A transport over `node:http` / `node:https`: each request goes through `http.request` (or
 * `https.request`) read from the module object at call time, so an HTTP interceptor installed
 * at any moment (nock, msw) sees it as it sees the official SDK's requests: it can answer it,
 * let it through, or refuse it (`nock.disableNetConnect()`, msw's `onUnhandledRequest: 'error'`).
 * The Node transport hands requests to this one while an interceptor is installed (see
 * select-transport); it is slower than the socket transport (see bench/sdk-trigger.mjs).
 *
 * Same contract as the other transports: keep-alive agents (idle sockets unref'd by Node and
 * closed after IDLE_SOCKET_TIMEOUT_MS), one deadline for the whole exchange, the body collected
 * as bytes up to `maxResponseBodyBytes`, failures as TransportFailure (`connectPhase` from the
 * error code: nothing was sent).
 */
import { utf8Decode } from '../crypto/encoding';
import { utf8ByteLength } from '../limits';
import type { NodeAgent, NodeHttpModules, NodeRequestOptions } from '../runtime/node-http';
import { ByteBuffer } from './byte-buffer';
import { IDLE_SOCKET_TIMEOUT_MS, MAX_SOCKETS } from './node-transport';
import {
  type ClosableTransport,
  CONNECT_PHASE_ERROR_CODES,
  DEFAULT_MAX_RESPONSE_BODY_BYTES,
  type Endpoint,
  errorCode,
  responseTooLarge,
  TransportFailure,
  type TransportRequest,
  type TransportResponse,
} from './types';

export interface HttpModuleTransportOptions {
  readonly endpoint: Endpoint;
  readonly modules: NodeHttpModules;
  /** PEM CA certificate(s) to trust instead of the defaults (private CAs). */
  readonly ca?: string | undefined;
  /** Largest response body accepted, in bytes. @default DEFAULT_MAX_RESPONSE_BODY_BYTES */
  readonly maxResponseBodyBytes?: number | undefined;
}

const CONTENT_LENGTH = /^\d+$/;

/** An agent whose idle sockets can be closed without touching busy ones. */
type PoolAgent = NodeAgent & {
  readonly freeSockets?: Readonly<Record<string, readonly { destroy(): unknown }[] | undefined>>;
};

/** A transport to `endpoint` through `http.request` / `https.request` (read at call time). */
export function createHttpModuleTransport(options: HttpModuleTransportOptions): ClosableTransport {
  const { endpoint, modules, ca } = options;
  const maxBodyBytes = options.maxResponseBodyBytes ?? DEFAULT_MAX_RESPONSE_BODY_BYTES;
  const isHttps = endpoint.scheme === 'https';
  let agent: PoolAgent | undefined;

  function getAgent(): PoolAgent {
    if (agent === undefined) {
      const Agent = isHttps ? modules.https.Agent : modules.http.Agent;
      agent = new Agent({
        keepAlive: true,
        maxSockets: MAX_SOCKETS,
        timeout: IDLE_SOCKET_TIMEOUT_MS,
        scheduling: 'lifo',
        ...(isHttps && ca !== undefined ? { ca } : {}),
      });
    }
    return agent;
  }

  const send = (request: TransportRequest): Promise<TransportResponse> =>
    new Promise<TransportResponse>((resolve, reject) => {
      let done = false;
      const finish = (): boolean => {
        if (done) return false;
        done = true;
        clearTimeout(timer);
        return true;
      };
      const failWith = (failure: TransportFailure): void => {
        if (finish()) reject(failure);
      };
      const headers: Record<string, string> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = `${utf8ByteLength(request.body)}`;
      const requestOptions: NodeRequestOptions = {
        host: endpoint.host,
        port: endpoint.port,
        method: request.method,
        path: request.pathAndQuery,
        headers,
        agent: getAgent(),
      };
      // Read at call time: an interceptor replaces these functions on the module object.
      const outgoing = isHttps
        ? modules.https.request(requestOptions)
        : modules.http.request(requestOptions);
      const timer = setTimeout(() => {
        failWith(
          new TransportFailure(`no complete response within ${request.timeoutMs} ms`, {
            connectPhase: false,
            timedOut: true,
          }),
        );
        outgoing.destroy();
      }, request.timeoutMs);
      outgoing.on('error', (error) => {
        const code = errorCode(error);
        failWith(
          new TransportFailure(code ? `request failed (${code})` : 'request failed', {
            code,
            connectPhase: code !== undefined && CONNECT_PHASE_ERROR_CODES.has(code),
            timedOut: false,
            cause: error,
          }),
        );
      });
      outgoing.on('response', (response) => {
        const lengthHeader = response.headers['content-length'];
        const announced =
          typeof lengthHeader === 'string' && CONTENT_LENGTH.test(lengthHeader)
            ? Number(lengthHeader)
            : 0;
        if (announced > maxBodyBytes) {
          failWith(responseTooLarge(maxBodyBytes));
          response.destroy();
          return;
        }
        const body = new ByteBuffer(maxBodyBytes, announced);
        const cutShort = (error?: Error): void =>
          failWith(
            new TransportFailure('the connection closed while reading the response', {
              code: errorCode(error),
              connectPhase: false,
              timedOut: false,
              cause: error,
            }),
          );
        response.on('data', (chunk) => {
          if (done) return;
          if (!body.append(chunk)) {
            failWith(responseTooLarge(maxBodyBytes));
            response.destroy();
          }
        });
        response.on('aborted', () => cutShort());
        response.on('error', (error) => cutShort(error));
        response.on('end', () => {
          if (!finish()) return;
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: body.length === 0 ? '' : utf8Decode(body.view()),
          });
        });
      });
      outgoing.end(request.body, 'utf8');
    });

  return {
    kind: 'node-http',
    send,
    close: () => {
      for (const sockets of Object.values(agent?.freeSockets ?? {})) {
        for (const socket of [...(sockets ?? [])]) socket.destroy();
      }
    },
  };
}
