/**
 * @module transports/metrics-listener
 * `/metrics` on a port of its own (the `metrics.port` option), so it can stay on an internal
 * interface while the main port faces the internet. Plain HTTP on `node:http`, under Node and
 * under Bun alike (Bun implements node:http; one code path for a low-traffic endpoint). It answers
 * `GET`/`HEAD /metrics` (also under the path prefix) and 404 for anything else, with the same
 * request deadline as the main port.
 */
import { createServer, type Server } from 'node:http';
import { type MetricsSource, scrapeMetrics } from '../http/metrics-route';
import { listenOn } from './node/listen';
import type { BoundAddress } from './server-transport';

const NOT_FOUND = JSON.stringify({ error: 'Not found' });

/** A started metrics listener. */
export class MetricsListener {
  readonly #server: Server;
  readonly address: BoundAddress;

  private constructor(server: Server, address: BoundAddress) {
    this.#server = server;
    this.address = address;
  }

  /** Binds `host:port` and serves the scrapes of `source`. */
  static async listen(
    source: MetricsSource,
    host: string,
    port: number,
    pathPrefix: string,
    requestTimeoutMs: number,
  ): Promise<MetricsListener> {
    const server = createServer(
      { requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs },
      (req, res) => {
        req.resume();
        const path = (req.url ?? '/').split('?')[0];
        const readOnly = req.method === 'GET' || req.method === 'HEAD';
        if (!readOnly || (path !== '/metrics' && path !== `${pathPrefix}/metrics`)) {
          source.metrics.inc('pushwire_http_requests_total', { route: 'not_found', status: '404' });
          res.writeHead(404, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(NOT_FOUND),
          });
          res.end(NOT_FOUND);
          return;
        }
        void scrapeMetrics(source).then((answer) => {
          if (res.destroyed) return;
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        });
      },
    );
    return new MetricsListener(server, await listenOn(server, host, port));
  }

  /** Stops listening and closes its connections. */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    // Keep-alive scrapers would hold the close open (Bun's node:http may lack the method).
    this.#server.closeAllConnections?.();
    return closed;
  }
}
