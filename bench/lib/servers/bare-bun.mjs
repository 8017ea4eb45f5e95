/**
 * @module bench/lib/servers/bare-bun
 * The least a Pusher-speaking server can do on Bun.serve (run by Bun only): send
 * pusher:connection_established, answer pusher:subscribe with subscription_succeeded (and join
 * the channel's topic), and on a `broadcast` control request send each event's frame (serialized
 * once) to every subscriber: in a loop of `sendText`, or with `topic: true` through Bun's topic
 * publish (`server.publish`, encoded once by Bun). Each event in its own macrotask.
 */
import { announce, serveControl } from '../control.mjs';

const subscribers = new Set();
let nextSocket = 1;
const server = globalThis.Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch(request, bunServer) {
    if (bunServer.upgrade(request)) return undefined;
    return new Response('Upgrade Required', { status: 426 });
  },
  websocket: {
    perMessageDeflate: false,
    open(socket) {
      const socketId = `${nextSocket++}.${Math.floor(Math.random() * 1e9)}`;
      socket.sendText(
        JSON.stringify({
          event: 'pusher:connection_established',
          data: JSON.stringify({ socket_id: socketId, activity_timeout: 120 }),
        }),
      );
    },
    message(socket, raw) {
      const frame = JSON.parse(String(raw));
      if (frame.event !== 'pusher:subscribe') return;
      subscribers.add(socket);
      socket.subscribe(frame.data.channel);
      socket.sendText(
        JSON.stringify({
          event: 'pusher_internal:subscription_succeeded',
          channel: frame.data.channel,
          data: '{}',
        }),
      );
    },
    close(socket) {
      subscribers.delete(socket);
    },
  },
});

serveControl({
  async broadcast({ channel, event, events, topic }) {
    for (const data of events) {
      const frame = JSON.stringify({ event, channel, data });
      if (topic) server.publish(channel, frame);
      else for (const socket of subscribers) socket.sendText(frame);
      await new Promise((resolve) => setImmediate(resolve));
    }
  },
});
announce({ listening: server.port });
