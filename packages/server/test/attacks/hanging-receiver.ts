/**
 * @module test/attacks/hanging-receiver
 * A real webhook receiver that accepts connections and requests but never answers (a dead or
 * stuck backend), counting the sockets it holds open at once and in total.
 */
import { createServer as createHttpServer } from 'node:http';
import { listenUntilTestEnds } from '@pushwire/test-support';

/** A receiver that never answers. */
export interface HangingReceiver {
  readonly url: string;
  /** Sockets open right now. */
  readonly openSockets: number;
  /** Most sockets open at the same time so far. */
  readonly maxOpenSockets: number;
  /** Connections accepted so far. */
  readonly totalSockets: number;
  /** Requests whose headers arrived so far. */
  readonly requests: number;
}

/** Starts a receiver on 127.0.0.1:0 that reads every request and never responds. */
export async function startHangingReceiver(): Promise<HangingReceiver> {
  let open = 0;
  let maxOpen = 0;
  let total = 0;
  let requests = 0;
  const server = createHttpServer(() => {
    requests++; // never answered
  });
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.on('connection', (socket) => {
    open++;
    total++;
    maxOpen = Math.max(maxOpen, open);
    socket.on('close', () => {
      open--;
    });
  });
  const port = await listenUntilTestEnds(server);
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    get openSockets() {
      return open;
    },
    get maxOpenSockets() {
      return maxOpen;
    },
    get totalSockets() {
      return total;
    },
    get requests() {
      return requests;
    },
  };
}
