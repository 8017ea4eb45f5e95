/**
 * @module test/ws-helpers
 * Shared helpers of the WebSocket tests: a server on 127.0.0.1:0 closed after each test, and a raw
 * `ws` client that records every frame (parsed) and its close code, with waits on events rather
 * than sleeps.
 */

import { channelAuthSignature, userAuthSignature } from '@pushwire/sdk';
import { onTestFinished } from 'vitest';
import WebSocket from 'ws';
import {
  type AppOptions,
  createServer,
  type PushwireServer,
  type ServerAddress,
  type ServerOptions,
  type ServerTimingOverrides,
} from '../src/index';

export const APP: AppOptions = Object.freeze({ id: 'app-1', key: 'key-1', secret: 'secret-1' });

export interface Frame {
  readonly event: string;
  readonly channel?: string;
  readonly data?: unknown;
  readonly user_id?: string;
}

export interface TestServer {
  readonly server: PushwireServer;
  readonly address: ServerAddress;
  wsUrl(key?: string, query?: string): string;
}

export async function startServer(
  options: ServerOptions = {},
  timing: ServerTimingOverrides = {},
): Promise<TestServer> {
  const server = createServer({ port: 0, logLevel: 'silent', apps: [APP], ...options }, timing);
  onTestFinished(() => server.close());
  const address = await server.listen();
  return {
    server,
    address,
    wsUrl: (key = APP.key, query = 'protocol=7&client=js&version=8.6.0&flash=false') =>
      `ws://127.0.0.1:${address.port}/app/${key}?${query}`,
  };
}

type Waiter = { predicate: (frame: Frame) => boolean; resolve: (frame: Frame) => void };

/** A raw protocol client: every text frame is parsed and queued; waits resolve on arrival. */
export class RawClient {
  readonly socket: WebSocket;
  readonly frames: Frame[] = [];
  readonly texts: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: Waiter[] = [];

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.socket = new WebSocket(url, options);
    this.socket.on('message', (data) => {
      const text = data.toString();
      this.texts.push(text);
      const frame = JSON.parse(text) as Frame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((waiter) => {
        if (!waiter.predicate(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    });
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    onTestFinished(() => {
      this.socket.terminate();
    });
  }

  /** Waits for the first frame (from the start of the connection) matching `predicate`. */
  waitFor(predicate: (frame: Frame) => boolean): Promise<Frame> {
    const found = this.frames.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiters.push({ predicate, resolve }));
  }

  event(name: string, channel?: string): Promise<Frame> {
    return this.waitFor(
      (f) => f.event === name && (channel === undefined || f.channel === channel),
    );
  }

  count(name: string, channel?: string): number {
    return this.frames.filter(
      (f) => f.event === name && (channel === undefined || f.channel === channel),
    ).length;
  }

  async socketId(): Promise<string> {
    const frame = await this.event('pusher:connection_established');
    return (JSON.parse(frame.data as string) as { socket_id: string }).socket_id;
  }

  send(value: unknown): void {
    this.socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  subscribe(channel: string, auth?: string, channelData?: string): void {
    this.send({
      event: 'pusher:subscribe',
      data: {
        channel,
        ...(auth === undefined ? {} : { auth }),
        ...(channelData === undefined ? {} : { channel_data: channelData }),
      },
    });
  }

  /** Subscribes (signing private/presence with the app secret) and waits for success. */
  async join(channel: string, channelData?: string, app: AppOptions = APP): Promise<Frame> {
    const socketId = await this.socketId();
    const needsAuth = channel.startsWith('private-') || channel.startsWith('presence-');
    const auth = needsAuth
      ? channelAuthSignature({
          key: app.key,
          secret: app.secret,
          socketId,
          channel,
          ...(channelData === undefined ? {} : { channelData }),
        })
      : undefined;
    this.subscribe(channel, auth, channelData);
    return this.event('pusher_internal:subscription_succeeded', channel);
  }

  async signin(userData: string, app: AppOptions = APP): Promise<void> {
    const socketId = await this.socketId();
    const auth = userAuthSignature({ key: app.key, secret: app.secret, socketId, userData });
    this.send({ event: 'pusher:signin', data: { auth, user_data: userData } });
  }

  /** Sends a ping and waits for its pong: every frame sent before it has been processed. */
  async roundTrip(): Promise<void> {
    const pongs = this.count('pusher:pong');
    this.send({ event: 'pusher:ping', data: {} });
    await this.waitFor(() => this.count('pusher:pong') > pongs);
  }
}

/** Connects and waits for `pusher:connection_established`. */
export async function connect(
  url: string,
  options: WebSocket.ClientOptions = {},
): Promise<RawClient> {
  const client = new RawClient(url, options);
  await client.event('pusher:connection_established');
  return client;
}

/** Parses a frame's string `data`, asserting it is a string. */
export function dataOf(frame: Frame): unknown {
  if (typeof frame.data !== 'string') throw new Error(`data of ${frame.event} is not a string`);
  return JSON.parse(frame.data);
}
