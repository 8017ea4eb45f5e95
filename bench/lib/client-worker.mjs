/**
 * @module bench/lib/client-worker
 * A forked Node process holding benchmark WebSocket clients (`ws`, no compression), driven over
 * IPC (see rpc.mjs): opens subscribed connections from a given source address (127.0.0.x, so
 * several workers do not run out of ephemeral ports), closes them, and counts the event frames
 * of a fan-out (optionally with each delivery's latency from the `sentAt` in the event data).
 * Kept cheap so the clients measure the server, not themselves.
 */
import WebSocket from 'ws';
import { serveRpc } from './rpc.mjs';
import { now } from './stats.mjs';

const CONNECT_CONCURRENCY = 200;
const APP_KEY = 'app-key';

const sockets = [];
let expectation;
let completed;

function onEventFrame(raw) {
  if (expectation === undefined) return;
  const received = now();
  if (expectation.latencies) {
    const frame = JSON.parse(String(raw));
    expectation.latencies.push(received - JSON.parse(frame.data).sentAt);
  }
  if (expectation.received === 0) expectation.first = received;
  expectation.received += 1;
  if (expectation.received === expectation.total) {
    const done = expectation;
    expectation = undefined;
    done.resolve({ elapsedMs: received - done.first, latencies: done.latencies ?? [] });
  }
}

/** Open one connection, subscribe it to `channel`, resolve once subscription_succeeded arrives. */
function open(port, channel, localAddress) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(
      `ws://127.0.0.1:${port}/app/${APP_KEY}?protocol=7&client=bench&version=1.0.0`,
      { perMessageDeflate: false, skipUTF8Validation: true, localAddress },
    );
    socket.on('error', reject);
    let subscribed = false;
    socket.on('message', (raw) => {
      if (subscribed) return onEventFrame(raw);
      const text = String(raw);
      if (text.includes('pusher:connection_established')) {
        socket.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel } }));
      } else if (text.includes('subscription_succeeded')) {
        subscribed = true;
        resolve(socket);
      } else if (text.includes('pusher:error')) {
        reject(new Error(`server refused: ${text}`));
      }
    });
    socket.on('close', (code) => {
      if (!subscribed) reject(new Error(`closed before subscribing (${code})`));
    });
  });
}

function terminate(socket) {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    socket.once('close', resolve);
    socket.terminate();
  });
}

serveRpc({
  async connect({ port, count, channel, localAddress }) {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next += 1;
        sockets.push(await open(port, channel, localAddress));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, count) }, worker));
    return sockets.length;
  },
  /** Close every connection but the first `count`. */
  async keep({ count }) {
    await Promise.all(sockets.splice(count).map(terminate));
    return sockets.length;
  },
  /** Expect `total` event frames (and record latencies when asked); `wait` resolves when seen. */
  arm({ total, latency }) {
    completed = new Promise((resolve) => {
      expectation = { total, received: 0, first: 0, resolve, latencies: latency ? [] : undefined };
    });
    return true;
  },
  wait() {
    return completed;
  },
});
process.send({ ready: true });
