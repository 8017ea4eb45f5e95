/**
 * `pusher:signin`, `#server-to-user-<id>`, terminateUser and `requireUserAuthentication`, over a
 * raw `ws` client.
 */
import { describe, expect, it } from 'vitest';
import { APP, connect, startServer } from './ws-helpers';

const USER = JSON.stringify({ id: '42', user_info: { name: 'Ada' } });

describe('pusher:signin', () => {
  it('replies signin_success with the exact user_data string in an object', async () => {
    const { wsUrl } = await startServer();
    const client = await connect(wsUrl());
    await client.signin(USER);
    const frame = await client.event('pusher:signin_success');
    expect(frame).toEqual({ event: 'pusher:signin_success', data: { user_data: USER } });
  });

  it('accepts a numeric id (as Laravel sends it) and uses its string form', async () => {
    const { wsUrl } = await startServer();
    const client = await connect(wsUrl());
    const numeric = JSON.stringify({ id: 42, user_info: { name: 'Ada' } });
    await client.signin(numeric);
    const frame = await client.event('pusher:signin_success');
    expect(frame).toEqual({ event: 'pusher:signin_success', data: { user_data: numeric } });
    // The user is "42": its server-to-user channel is open to this connection.
    await client.join('#server-to-user-42');
  });

  it('closes with 4009 on a bad signature', async () => {
    const { wsUrl } = await startServer();
    const client = await connect(wsUrl());
    client.send({
      event: 'pusher:signin',
      data: { auth: `${APP.key}:${'a'.repeat(64)}`, user_data: USER },
    });
    expect((await client.closed).code).toBe(4009);
    expect(client.frames.at(-1)).toEqual({
      event: 'pusher:error',
      data: { code: 4009, message: 'Invalid signature for pusher:signin' },
    });
  });

  it('closes with 4009 when user_data has no id, or a second signin names another user', async () => {
    const { wsUrl } = await startServer();
    const noId = await connect(wsUrl());
    await noId.signin('{"name":"x"}');
    expect((await noId.closed).code).toBe(4009);

    const twice = await connect(wsUrl());
    await twice.signin(USER);
    await twice.event('pusher:signin_success');
    await twice.signin('{"id":"43"}');
    expect((await twice.closed).code).toBe(4009);
  });

  it('lets only the signed-in user subscribe to #server-to-user-<id> and delivers to all its sockets', async () => {
    const { server, wsUrl } = await startServer({
      apps: [{ ...APP, subscriptionCountEvents: false }],
    });
    const tab1 = await connect(wsUrl());
    const tab2 = await connect(wsUrl());
    const other = await connect(wsUrl());
    for (const client of [tab1, tab2]) {
      await client.signin(USER);
      await client.event('pusher:signin_success');
      client.subscribe('#server-to-user-42', '');
      expect(
        await client.event('pusher_internal:subscription_succeeded', '#server-to-user-42'),
      ).toEqual({
        event: 'pusher_internal:subscription_succeeded',
        channel: '#server-to-user-42',
        data: '{}',
      });
    }
    other.subscribe('#server-to-user-42', '');
    const refused = await other.event('pusher:subscription_error', '#server-to-user-42');
    expect((refused.data as { type: string }).type).toBe('AuthError');

    const frame = '{"event":"hello","channel":"#server-to-user-42","data":"{}"}';
    server.adapter.publish({ appId: APP.id, channel: '#server-to-user-42', frame });
    await tab1.event('hello');
    await tab2.event('hello');
    await other.roundTrip();
    expect(other.count('hello')).toBe(0);
  });

  it('closes the sockets of a terminated user with 4009', async () => {
    const { server, wsUrl } = await startServer();
    const user = await connect(wsUrl());
    const bystander = await connect(wsUrl());
    await user.signin(USER);
    await user.event('pusher:signin_success');
    await server.adapter.terminateUser(APP.id, '42');
    expect((await user.closed).code).toBe(4009);
    expect(user.frames.at(-1)).toEqual({
      event: 'pusher:error',
      data: { code: 4009, message: 'Connection terminated by the server' },
    });
    await bystander.roundTrip();
  });
});

describe('requireUserAuthentication', () => {
  const options = { apps: [{ ...APP, requireUserAuthentication: true }] };
  const timing = { userAuthenticationTimeoutMs: 400 };

  it('kicks a connection that neither signs in nor joins a private channel', async () => {
    const { wsUrl } = await startServer(options, timing);
    const idle = await connect(wsUrl());
    await idle.join('news');
    expect((await idle.closed).code).toBe(4009);
  });

  it('keeps connections that signed in or joined a private channel', async () => {
    const { wsUrl } = await startServer(options, timing);
    const signed = await connect(wsUrl());
    await signed.signin(USER);
    await signed.event('pusher:signin_success');
    const privateMember = await connect(wsUrl());
    await privateMember.join('private-x');
    const idle = await connect(wsUrl());
    await idle.closed;
    await signed.roundTrip();
    await privateMember.roundTrip();
    expect(signed.socket.readyState).toBe(signed.socket.OPEN);
    expect(privateMember.socket.readyState).toBe(privateMember.socket.OPEN);
  });
});
