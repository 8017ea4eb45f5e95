/**
 * @module bench/lib/servers/bare-ws
 * The least a Pusher-speaking server can do on `ws` over `node:http`: send
 * pusher:connection_established, answer pusher:subscribe with subscription_succeeded, and on a
 * `broadcast` control request send each event's frame, encoded once, to every subscriber in a
 * loop (each event in its own macrotask, as each REST trigger is on a real server).
 */
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { announce, serveControl } from '../control.mjs';

const subscribers = new Set();
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
await once(wss, 'listening');
let nextSocket = 1;
wss.on('connection', (socket) => {
  const socketId = `${nextSocket++}.${Math.floor(Math.random() * 1e9)}`;
  socket.send(
    JSON.stringify({
      event: 'pusher:connection_established',
      data: JSON.stringify({ socket_id: socketId, activity_timeout: 120 }),
    }),
  );
  socket.on('message', (raw) => {
    const frame = JSON.parse(String(raw));
    if (frame.event !== 'pusher:subscribe') return;
    subscribers.add(socket);
    socket.send(
      JSON.stringify({
        event: 'pusher_internal:subscription_succeeded',
        channel: frame.data.channel,
        data: '{}',
      }),
    );
  });
  socket.on('close', () => subscribers.delete(socket));
});

serveControl({
  async broadcast({ channel, event, events }) {
    for (const data of events) {
      const frame = Buffer.from(JSON.stringify({ event, channel, data }));
      for (const socket of subscribers) socket.send(frame, { binary: false });
      await new Promise((resolve) => setImmediate(resolve));
    }
  },
});
announce({ listening: wss.address().port });
