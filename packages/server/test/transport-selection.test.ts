/**
 * Which transport `listen()` picks: Bun's native WebSockets under Bun, node:http + `ws` under
 * Node, either forced with `transport`; `attach()` is always node:http. Each transport available
 * on this runtime carries a subscribe and a REST trigger end to end.
 */

import { createServer as createHttpServer } from 'node:http';
import { listenUntilTestEnds, waitUntil } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createServer, ServerConfigError } from '../src/index';
import { REST_APP, signedRequest } from './http-helpers';
import { RawClient, startServer } from './ws-helpers';

const underBun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';
const available = underBun ? (['node', 'bun'] as const) : (['node'] as const);

describe('transport selection', () => {
  it(`listen() picks ${underBun ? 'bun' : 'node'} on this runtime`, async () => {
    const { server } = await startServer();
    expect(server.transport).toBe(underBun ? 'bun' : 'node');
  });

  it.each(available)('transport: %s carries a subscribe and a trigger', async (transport) => {
    const { server, address, wsUrl } = await startServer({ transport, apps: [REST_APP] });
    expect(server.transport).toBe(transport);
    const client = new RawClient(wsUrl(REST_APP.key));
    await client.join('news', undefined, REST_APP);
    const response = await signedRequest(address.port, {
      method: 'POST',
      path: `/apps/${REST_APP.id}/events`,
      body: JSON.stringify({ name: 'hello', channel: 'news', data: '{"n":1}' }),
    });
    expect(response.status).toBe(200);
    const frame = await client.event('hello');
    expect(frame.data).toBe('{"n":1}');
    const health = await fetch(`${address.url}/health`);
    expect(health.status).toBe(200);
  });

  it(`transport: bun ${underBun ? 'listens' : 'is a configuration error outside Bun'}`, async () => {
    const server = createServer({ port: 0, logLevel: 'silent', transport: 'bun' });
    onTestFinished(() => server.close());
    if (underBun) {
      await server.listen();
      expect(server.transport).toBe('bun');
    } else {
      await expect(server.listen()).rejects.toBeInstanceOf(ServerConfigError);
    }
  });

  it.each(available)(
    'transport: %s closes a frame over the largest maxFrameBytes with 1009 and counts it',
    async (transport) => {
      const { server, wsUrl } = await startServer({
        transport,
        apps: [{ ...REST_APP, limits: { maxFrameBytes: 8192 } }],
      });
      const client = new RawClient(wsUrl(REST_APP.key));
      await client.socketId();
      client.send({ event: 'pusher:ping', data: 'x'.repeat(9000) });
      expect((await client.closed).code).toBe(1009);
      await waitUntil(
        () => server.metrics.get('pushwire_errors_total', { kind: 'frame_too_large' }) === 1,
      );
    },
  );

  it('rejects an unknown transport name', () => {
    expect(() => createServer({ transport: 'uws' as 'node' })).toThrow(ServerConfigError);
  });

  it('attach() serves on node:http whatever the runtime', async () => {
    const http = createHttpServer();
    const server = createServer({ logLevel: 'silent', apps: [REST_APP] });
    onTestFinished(() => server.close());
    await server.attach(http);
    const port = await listenUntilTestEnds(http);
    expect(server.transport).toBe('node');
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
  });
});
