/**
 * The `onEvent` server option: called once per event and channel accepted from the REST API
 * (single, multi-channel and batch, with socket_id) and from clients (client-* events, with the
 * sender's socket id and presence user id); not called for refused requests; a throwing or
 * rejecting observer is logged and never affects the publish; a non-function is a config error.
 */
import { describe, expect, it } from 'vitest';
import {
  type Logger,
  type PublishedEvent,
  resolveServerOptions,
  ServerConfigError,
  silentLogger,
} from '../src/index';
import { REST_APP, startRestServer } from './http-helpers';
import { connect } from './ws-helpers';

function recordingLogger(): { logger: Logger; warnings: Record<string, unknown>[] } {
  const warnings: Record<string, unknown>[] = [];
  return {
    warnings,
    logger: { ...silentLogger, warn: (message, fields) => warnings.push({ message, ...fields }) },
  };
}

describe('onEvent', () => {
  it('sees each REST event once per channel, batches included, and nothing refused', async () => {
    const seen: PublishedEvent[] = [];
    const rest = await startRestServer({ onEvent: (event) => seen.push(event) });
    const pusher = rest.pusher();
    await pusher.trigger(['a', 'b'], 'created', { id: 1 }, { socket_id: '1.2' });
    await pusher.triggerBatch([{ channel: 'c', name: 'batched', data: 'text' }]);
    await expect(pusher.trigger('a', 'pusher:reserved', {})).rejects.toThrow();
    expect(seen).toEqual([
      {
        source: 'api',
        appId: REST_APP.id,
        channel: 'a',
        name: 'created',
        data: '{"id":1}',
        socketId: '1.2',
      },
      {
        source: 'api',
        appId: REST_APP.id,
        channel: 'b',
        name: 'created',
        data: '{"id":1}',
        socketId: '1.2',
      },
      { source: 'api', appId: REST_APP.id, channel: 'c', name: 'batched', data: 'text' },
    ]);
  });

  it('sees accepted client events with the sender socket id and presence user id', async () => {
    const seen: PublishedEvent[] = [];
    const rest = await startRestServer({
      onEvent: (event) => seen.push(event),
      apps: [{ ...REST_APP, enableClientMessages: true }],
    });
    const sender = await connect(rest.wsUrl());
    await sender.join('presence-room', JSON.stringify({ user_id: 'u1' }), REST_APP);
    sender.send({ event: 'client-hello', channel: 'presence-room', data: { hi: true } });
    sender.send({ event: 'client-nope', channel: 'presence-other', data: {} });
    expect((await sender.event('pusher:error')).data).toMatchObject({ code: 4301 });
    expect(seen).toEqual([
      {
        source: 'client',
        appId: REST_APP.id,
        channel: 'presence-room',
        name: 'client-hello',
        data: '{"hi":true}',
        socketId: await sender.socketId(),
        userId: 'u1',
      },
    ]);
  });

  it('logs a throwing or rejecting observer and still publishes', async () => {
    const { logger, warnings } = recordingLogger();
    let calls = 0;
    const rest = await startRestServer({
      logger,
      onEvent: (event) => {
        calls += 1;
        if (event.name === 'throws') throw new Error('observer broke');
        return Promise.reject(new Error('observer rejected')) as unknown as undefined;
      },
    });
    const subscriber = await connect(rest.wsUrl());
    await subscriber.join('news', undefined, REST_APP);
    await rest.pusher().trigger('news', 'throws', 'x');
    await rest.pusher().trigger('news', 'rejects', 'y');
    await subscriber.event('rejects', 'news');
    expect(subscriber.count('throws', 'news')).toBe(1);
    expect(calls).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toEqual([
      { message: 'the onEvent observer failed; the event was published', error: 'observer broke' },
      {
        message: 'the onEvent observer failed; the event was published',
        error: 'observer rejected',
      },
    ]);
  });

  it('must be a function', () => {
    expect(() => resolveServerOptions({ onEvent: 'log' as never })).toThrow(ServerConfigError);
    expect(() => resolveServerOptions({ onEvent: 'log' as never })).toThrow(
      'Invalid server option "onEvent": must be a function, got a string',
    );
  });
});
