/**
 * Handshake, close codes and liveness over a raw `ws` client: exact frames and real close codes.
 */

import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pusher as PusherSdk, SOCKET_ID_PATTERN } from '@pushwire/sdk';
import express from 'express';
import { describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { createServer, type ServerOptions } from '../src/index';
import { APP, connect, RawClient, startServer } from './ws-helpers';

describe('connection handshake', () => {
  it('sends connection_established with a string data, a socket id and activity_timeout', async () => {
    const { wsUrl } = await startServer();
    const client = await connect(wsUrl());
    const frame = client.frames[0];
    expect(frame?.event).toBe('pusher:connection_established');
    expect(Object.keys(frame ?? {})).toEqual(['event', 'data']);
    expect(typeof frame?.data).toBe('string');
    const data = JSON.parse(frame?.data as string) as {
      socket_id: string;
      activity_timeout: number;
    };
    expect(data).toEqual({ socket_id: expect.any(String), activity_timeout: 120 });
    expect(data.socket_id).toMatch(SOCKET_ID_PATTERN);
  });

  it('gives every connection a distinct socket id', async () => {
    const { wsUrl } = await startServer();
    const clients = await Promise.all([1, 2, 3, 4].map(() => connect(wsUrl())));
    const ids = await Promise.all(clients.map((c) => c.socketId()));
    expect(new Set(ids).size).toBe(4);
  });

  it('accepts a missing protocol parameter and the configured path prefix', async () => {
    const { address } = await startServer({ pathPrefix: '/pusher' });
    await connect(`ws://127.0.0.1:${address.port}/pusher/app/${APP.key}`);
    await connect(`ws://127.0.0.1:${address.port}/app/${APP.key}?protocol=7`);
  });

  it('answers a path that is not /app/{key} with HTTP 404 before the upgrade', async () => {
    const { address } = await startServer();
    const socket = new WebSocket(`ws://127.0.0.1:${address.port}/nope`);
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('error', () => undefined);
    });
    expect(status).toBe(404);
  });

  const refusals: [string, number, ServerOptions, string | undefined, string | undefined][] = [
    ['unknown app key', 4001, {}, 'nope', undefined],
    ['disabled app', 4003, { apps: [{ ...APP, enabled: false }] }, undefined, undefined],
    ['protocol below 5', 4007, {}, undefined, 'protocol=4'],
    [
      'origin not allowed',
      4009,
      { apps: [{ ...APP, allowedOrigins: ['https://ok.example'] }] },
      undefined,
      undefined,
    ],
  ];
  for (const [name, code, options, key, query] of refusals) {
    it(`refuses a ${name} with pusher:error ${code} and close code ${code}`, async () => {
      const { wsUrl } = await startServer(options);
      const client = new RawClient(wsUrl(key, query), { origin: 'https://evil.example' });
      const closed = await client.closed;
      expect(closed.code).toBe(code);
      expect(client.frames).toHaveLength(1);
      expect(client.frames[0]).toEqual({
        event: 'pusher:error',
        data: { code, message: expect.any(String) },
      });
    });
  }

  it('accepts an allowed origin', async () => {
    const { wsUrl } = await startServer({
      apps: [{ ...APP, allowedOrigins: ['https://*.example.com'] }],
    });
    await connect(wsUrl(), { origin: 'https://app.example.com' });
  });

  it('closes with 4004 over the connection quota and frees the slot on close', async () => {
    const { wsUrl } = await startServer({ apps: [{ ...APP, limits: { maxConnections: 1 } }] });
    const first = await connect(wsUrl());
    const second = new RawClient(wsUrl());
    expect((await second.closed).code).toBe(4004);
    expect(second.frames[0]).toEqual({
      event: 'pusher:error',
      data: { code: 4004, message: 'Application is over connection quota' },
    });
    first.socket.close();
    await first.closed;
    // The refused connection and the closed one both released their count.
    let third: RawClient | undefined;
    for (let attempt = 0; attempt < 50 && third === undefined; attempt += 1) {
      const candidate = new RawClient(wsUrl());
      const outcome = await Promise.race([
        candidate.event('pusher:connection_established').then(() => 'ok' as const),
        candidate.closed.then(() => 'closed' as const),
      ]);
      if (outcome === 'ok') third = candidate;
    }
    expect(third).toBeDefined();
  });
});

describe('ping and pong', () => {
  it('answers pusher:ping with pusher:pong and data "{}"', async () => {
    const { wsUrl } = await startServer();
    const client = await connect(wsUrl());
    client.send({ event: 'pusher:ping', data: {} });
    const pong = await client.event('pusher:pong');
    expect(pong).toEqual({ event: 'pusher:pong', data: '{}' });
  });

  it('pings after the activity timeout and keeps a connection that answers', async () => {
    const { wsUrl } = await startServer({}, { activityTimeoutMs: 50, pongTimeoutMs: 2000 });
    const client = await connect(wsUrl());
    const ping = await client.event('pusher:ping');
    expect(ping).toEqual({ event: 'pusher:ping', data: '{}' });
    client.send({ event: 'pusher:pong', data: {} });
    // A second ping proves the connection survived the first pong deadline.
    await client.waitFor(() => client.count('pusher:ping') >= 2);
    client.send({ event: 'pusher:pong', data: {} });
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('closes with 4201 when no reply arrives after its ping', async () => {
    const { wsUrl } = await startServer({}, { activityTimeoutMs: 30, pongTimeoutMs: 60 });
    const client = await connect(wsUrl());
    const closed = await client.closed;
    expect(closed.code).toBe(4201);
    expect(client.frames.map((f) => f.event)).toEqual([
      'pusher:connection_established',
      'pusher:ping',
      'pusher:error',
    ]);
    expect(client.frames[2]).toEqual({
      event: 'pusher:error',
      data: { code: 4201, message: 'Pong reply not received in time' },
    });
  });
});

describe('shutdown', () => {
  it('sends 4200 to every socket on close() and refuses nothing twice', async () => {
    const { server, wsUrl } = await startServer();
    const a = await connect(wsUrl());
    const b = await connect(wsUrl());
    await a.join('news');
    await Promise.all([server.close(), server.close()]);
    expect((await a.closed).code).toBe(4200);
    expect((await b.closed).code).toBe(4200);
    expect(a.frames.at(-1)).toEqual({
      event: 'pusher:error',
      data: { code: 4200, message: expect.any(String) },
    });
    await server.close();
  });
});

describe('lifecycle', () => {
  it('rejects listen() on a port in use, and close() still resolves', async () => {
    const { address } = await startServer();
    const second = createServer({ port: address.port, logLevel: 'silent' });
    await expect(second.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await second.close();
  });

  it('refuses a second listen() and reports its address', async () => {
    const { server, address } = await startServer();
    expect(server.address()).toEqual(address);
    expect(address.url).toBe(`http://127.0.0.1:${address.port}`);
    await expect(server.listen()).rejects.toThrow(/already listening/);
  });

  it('accepts redisUrl without an adapter: the Redis adapter is created when it starts', async () => {
    // Started for real in cluster-resync.test.ts; a missing ioredis in cluster-redis-url-missing.
    const server = createServer({ logLevel: 'silent', redisUrl: 'redis://127.0.0.1:6379' });
    expect(server.adapter.health()).toEqual({ ok: false, detail: 'not started' });
    expect(() => server.adapter.nodeId).toThrow(/before the server started it/);
    await server.close();
  });

  it('attaches with rest: false next to the caller’s routes, and close() leaves them serving', async () => {
    const server = createServer({ logLevel: 'silent', apps: [APP] });
    const http = createHttpServer((req, res) => {
      if (req.url === '/health') server.handleRequest(req, res);
      else res.end('mine');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const port = (http.address() as AddressInfo).port;
    await server.attach(http, { rest: false });
    const client = await connect(`ws://127.0.0.1:${port}/app/${APP.key}`);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(await fetch(`http://127.0.0.1:${port}/other`).then((r) => r.text())).toBe('mine');
    await server.close();
    expect((await client.closed).code).toBe(4200);
    expect(await fetch(`http://127.0.0.1:${port}/other`).then((r) => r.text())).toBe('mine');
  });

  it('answers 503 through handleRequest until attach() started the adapter', async () => {
    const server = createServer({ logLevel: 'silent', apps: [APP] });
    const http = createHttpServer((req, res) => server.handleRequest(req, res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
    const starting = await fetch(url);
    expect(starting.status).toBe(503);
    expect(await starting.json()).toEqual({ error: 'Server is starting' });
    expect(server.connectionCount).toBe(0);
    await server.attach(http, { rest: false });
    expect(await fetch(url).then((r) => r.json())).toEqual({ ok: true, name: 'pushwire' });
    await server.close();
  });
});

describe('README recipe: sharing a port with Express', () => {
  it('serves REST through handleRequest and WebSocket through attach({ rest: false })', async () => {
    const pushwire = createServer({ logLevel: 'silent', apps: [APP] });
    const app = express();
    app.use((req, res, next) =>
      req.path.startsWith('/apps/') ? pushwire.handleRequest(req, res) : next(),
    );
    app.get('/hello', (_req, res) => {
      res.send('express');
    });
    const http = createHttpServer(app);
    await pushwire.attach(http, { rest: false });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    onTestFinished(async () => {
      await pushwire.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    });
    const port = (http.address() as AddressInfo).port;
    const client = await connect(`ws://127.0.0.1:${port}/app/${APP.key}`);
    await client.join('news');
    const received = client.event('greet', 'news');
    const sdk = new PusherSdk({
      appId: APP.id,
      key: APP.key,
      secret: APP.secret,
      host: '127.0.0.1',
      port,
      useTLS: false,
    });
    await sdk.trigger('news', 'greet', 'hi');
    expect((await received).data).toBe('hi');
    expect(await fetch(`http://127.0.0.1:${port}/hello`).then((r) => r.text())).toBe('express');
  });
});
