/**
 * @module test/helpers/raw-subscriber
 * A plain `ws` client speaking Pusher protocol 7: connects, subscribes (signing private and
 * presence subscriptions with the SDK's low-level functions) and records every frame.
 */
import { channelAuthSignature } from '@pushwire/sdk';
import WebSocket from 'ws';

const WAIT_TIMEOUT_MS = 10_000;

export interface Frame {
  readonly event: string;
  readonly channel?: string;
  readonly data?: unknown;
}

export interface RawSubscriber {
  readonly socketId: string;
  readonly frames: readonly Frame[];
  subscribe(channel: string, member?: { userId: string; userInfo?: unknown }): Promise<void>;
  /** Resolve with the first recorded frame (past or future) that matches. */
  waitForFrame(match: (frame: Frame) => boolean, what: string): Promise<Frame>;
  close(): void;
}

/** Connect to a local server with the dev app's key (and secret for signing). */
export async function connectRawSubscriber(
  port: number,
  app: { key: string; secret: string } = { key: 'app-key', secret: 'app-secret' },
): Promise<RawSubscriber> {
  const socket = new WebSocket(
    `ws://127.0.0.1:${port}/app/${app.key}?protocol=7&client=test&version=1.0`,
  );
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (raw) => {
    frames.push(JSON.parse(String(raw)) as Frame);
    for (const waiter of waiters) waiter();
  });

  const waitForFrame = (match: (frame: Frame) => boolean, what: string): Promise<Frame> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = frames.find(match);
        if (found === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(frames)}`));
      }, WAIT_TIMEOUT_MS);
      waiters.add(check);
      check();
    });

  const established = await waitForFrame(
    (frame) => frame.event === 'pusher:connection_established',
    'pusher:connection_established',
  );
  const socketId = (JSON.parse(String(established.data)) as { socket_id: string }).socket_id;

  return {
    socketId,
    frames,
    waitForFrame,
    async subscribe(channel, member) {
      const data: Record<string, string> = { channel };
      if (channel.startsWith('private-') || channel.startsWith('presence-')) {
        const channelData =
          member === undefined
            ? undefined
            : JSON.stringify({ user_id: member.userId, user_info: member.userInfo ?? {} });
        data['auth'] = channelAuthSignature({
          key: app.key,
          secret: app.secret,
          socketId,
          channel,
          ...(channelData === undefined ? {} : { channelData }),
        });
        if (channelData !== undefined) data['channel_data'] = channelData;
      }
      socket.send(JSON.stringify({ event: 'pusher:subscribe', data }));
      await waitForFrame(
        (frame) =>
          frame.channel === channel &&
          (frame.event === 'pusher_internal:subscription_succeeded' ||
            frame.event === 'pusher:subscription_error'),
        `subscription to ${channel}`,
      ).then((frame) => {
        if (frame.event !== 'pusher_internal:subscription_succeeded') {
          throw new Error(`subscription to ${channel} failed: ${JSON.stringify(frame.data)}`);
        }
      });
    },
    close() {
      socket.terminate();
    },
  };
}
