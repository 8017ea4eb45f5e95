/**
 * Every REST endpoint of the client against the signature-checking fake API: method, path,
 * query, body, headers, and the parsed result.
 */
import { describe, expect, it } from 'vitest';
import { LIBRARY_HEADER_VALUE } from '../src/index';
import { clientFor, fakeApi, TEST_APP_ID } from './helpers/clients';

const prefix = `/apps/${TEST_APP_ID}`;

describe('REST endpoints', () => {
  it('trigger: POST /events with the JSON body, signed, with library and content-type headers', async () => {
    const api = await fakeApi();
    api.handler = () => ({ status: 200, body: '{}' });
    const pusher = clientFor(api);
    const result = await pusher.trigger('my-channel', 'my-event', { some: 'data' });
    expect(result).toEqual({});
    const [request] = api.requests;
    expect(request?.signatureProblem).toBeUndefined();
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`${prefix}/events`);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      name: 'my-event',
      data: '{"some":"data"}',
      channels: ['my-channel'],
    });
    expect(Object.keys(request?.query ?? {}).sort()).toEqual([
      'auth_key',
      'auth_signature',
      'auth_timestamp',
      'auth_version',
      'body_md5',
    ]);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-pusher-library']).toBe(LIBRARY_HEADER_VALUE);
  });

  it('trigger: string data is sent as is; socketId and info (string or array) go in the body', async () => {
    const api = await fakeApi();
    api.handler = () => ({
      status: 200,
      body: '{"channels":{"a":{"subscription_count":3},"b":{"subscription_count":1}}}',
    });
    const pusher = clientFor(api);
    const result = await pusher.trigger(['a', 'b'], 'ev', 'plain text', {
      socketId: '123.456',
      info: ['subscription_count'],
    });
    expect(result.channels?.['a']?.subscription_count).toBe(3);
    expect(JSON.parse(api.requests[0]?.body ?? '')).toEqual({
      name: 'ev',
      data: 'plain text',
      channels: ['a', 'b'],
      socket_id: '123.456',
      info: 'subscription_count',
    });
    await pusher.trigger('a', 'ev', 1, { info: 'user_count,subscription_count' });
    expect(JSON.parse(api.requests[1]?.body ?? '').info).toBe('user_count,subscription_count');
  });

  it('triggerBatch: POST /batch_events with one entry per event', async () => {
    const api = await fakeApi();
    api.handler = () => ({ status: 200, body: '{"batch":[{"user_count":1},{}]}' });
    const pusher = clientFor(api);
    const result = await pusher.triggerBatch([
      { channel: 'presence-a', name: 'e1', data: 'x', info: 'user_count' },
      { channel: 'b', name: 'e2', data: { n: 1 }, socketId: '1.2' },
    ]);
    expect(result.batch?.[0]?.user_count).toBe(1);
    expect(api.requests[0]?.path).toBe(`${prefix}/batch_events`);
    expect(JSON.parse(api.requests[0]?.body ?? '')).toEqual({
      batch: [
        { channel: 'presence-a', name: 'e1', data: 'x', info: 'user_count' },
        { channel: 'b', name: 'e2', data: '{"n":1}', socket_id: '1.2' },
      ],
    });
  });

  it('channels: GET /channels with filter_by_prefix and info in the query', async () => {
    const api = await fakeApi();
    api.handler = () => ({ status: 200, body: '{"channels":{"presence-x":{"user_count":2}}}' });
    const pusher = clientFor(api);
    const result = await pusher.channels({ prefix: 'presence-', info: 'user_count' });
    expect(result.channels['presence-x']?.user_count).toBe(2);
    const request = api.requests[0];
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe(`${prefix}/channels`);
    expect(request?.query['filter_by_prefix']).toBe('presence-');
    expect(request?.query['info']).toBe('user_count');
    expect(request?.body).toBe('');
    expect(request?.query['body_md5']).toBeUndefined();
    expect(request?.headers['content-type']).toBeUndefined();
    await pusher.channels();
    expect(Object.keys(api.requests[1]?.query ?? {})).not.toContain('filter_by_prefix');
  });

  it('channelInfo and channelUsers: GET /channels/:name and /channels/:name/users', async () => {
    const api = await fakeApi();
    api.handler = (request) =>
      request.path.endsWith('/users')
        ? { status: 200, body: '{"users":[{"id":"1"},{"id":"2"}]}' }
        : { status: 200, body: '{"occupied":true,"user_count":2}' };
    const pusher = clientFor(api);
    const info = await pusher.channelInfo('presence-room', { info: ['user_count'] });
    expect(info).toEqual({ occupied: true, user_count: 2 });
    expect(api.requests[0]?.path).toBe(`${prefix}/channels/presence-room`);
    expect(api.requests[0]?.query['info']).toBe('user_count');
    const users = await pusher.channelUsers('presence-room');
    expect(users.users.map((user) => user.id)).toEqual(['1', '2']);
    expect(api.requests[1]?.path).toBe(`${prefix}/channels/presence-room/users`);
    expect(api.requests.every((request) => request.signatureProblem === undefined)).toBe(true);
  });

  it('get: values are percent-encoded in the URL and signed unescaped', async () => {
    const api = await fakeApi();
    api.handler = () => ({ status: 200, body: '{"ok":true}' });
    const pusher = clientFor(api);
    const value = 'a b&c=d#e%f+g/ü';
    const result = await pusher.get<{ ok: boolean }>('/channels', {
      filter_by_prefix: value,
      n: 3,
      flag: true,
    });
    expect(result.ok).toBe(true);
    const request = api.requests[0];
    expect(request?.signatureProblem).toBeUndefined();
    expect(request?.query['filter_by_prefix']).toBe(value);
    expect(request?.query['n']).toBe('3');
    expect(request?.query['flag']).toBe('true');
  });

  it('post: the body is JSON; the query carries only auth params and body_md5', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api);
    await pusher.post('/events', { name: 'e', channels: ['c'], data: 'd' });
    const request = api.requests[0];
    expect(request?.signatureProblem).toBeUndefined();
    expect(JSON.parse(request?.body ?? '')).toEqual({ name: 'e', channels: ['c'], data: 'd' });
    expect(Object.keys(request?.query ?? {}).sort()).toEqual([
      'auth_key',
      'auth_signature',
      'auth_timestamp',
      'auth_version',
      'body_md5',
    ]);
  });

  it('sendToUser and terminateUserConnections', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api);
    await pusher.sendToUser('user-1', 'greet', { hi: 1 });
    expect(api.requests[0]?.path).toBe(`${prefix}/events`);
    expect(JSON.parse(api.requests[0]?.body ?? '')).toEqual({
      name: 'greet',
      data: '{"hi":1}',
      channels: ['#server-to-user-user-1'],
    });
    await pusher.terminateUserConnections('user-1');
    expect(api.requests[1]?.path).toBe(`${prefix}/users/user-1/terminate_connections`);
    expect(api.requests[1]?.body).toBe('{}');
    expect(api.requests.every((request) => request.signatureProblem === undefined)).toBe(true);
  });

  it('channel handle: trigger, info, users, authorize bound to one channel', async () => {
    const api = await fakeApi();
    api.handler = (request) =>
      request.method === 'GET'
        ? { status: 200, body: '{"occupied":false,"users":[]}' }
        : { status: 200, body: '{}' };
    const pusher = clientFor(api);
    const channel = pusher.channel('presence-lobby');
    expect(channel.name).toBe('presence-lobby');
    await channel.trigger('ev', 'x');
    await channel.info({ info: 'user_count' });
    await channel.users();
    expect(api.requests.map((request) => request.path)).toEqual([
      `${prefix}/events`,
      `${prefix}/channels/presence-lobby`,
      `${prefix}/channels/presence-lobby/users`,
    ]);
    const auth = channel.authorize('1.1', { user_id: 'u1' });
    expect(auth).toEqual(pusher.authorizeChannel('1.1', 'presence-lobby', { user_id: 'u1' }));
    expect(pusher.authenticate('presence-lobby', '1.1', { user_id: 'u1' })).toEqual(auth);
    // The official Node SDK's order (socketId first) is refused, not signed for the wrong channel.
    expect(() => pusher.authenticate('1.1', 'presence-lobby', { user_id: 'u1' })).toThrow(
      /takes the channel first.*use authorizeChannel\(socketId, channel\)/,
    );
  });

  it('empty 2xx bodies resolve to {}; the now option fixes auth_timestamp', async () => {
    const api = await fakeApi({ now: () => 1_700_000_000_000 });
    api.handler = () => ({ status: 202, body: '' });
    const pusher = clientFor(api, { now: () => 1_700_000_000_999 });
    await expect(pusher.trigger('c', 'e', 'd')).resolves.toEqual({});
    expect(api.requests[0]?.query['auth_timestamp']).toBe('1700000000');
  });

  it('the same data always gives the same signed request with a fixed clock', async () => {
    const api = await fakeApi({ now: () => 1_353_088_179_000 });
    const pusher = clientFor(api, { now: () => 1_353_088_179_000 });
    await pusher.trigger('project-3', 'foo', { some: 'data' });
    await pusher.trigger('project-3', 'foo', { some: 'data' });
    expect(api.requests[0]?.query).toEqual(api.requests[1]?.query);
  });
});
