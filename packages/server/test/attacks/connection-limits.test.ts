/**
 * @module test/attacks/connection-limits
 * Item 8.5 (connections): before the fix one IP could open sockets until the node ran out of file
 * descriptors. Now every socket counts against its client IP (`maxConnectionsPerIp`, on by
 * default), `X-Forwarded-For` names the client only when the socket comes from a trusted proxy
 * (right-most untrusted hop), and `maxConnections` caps the node's WebSocket connections.
 */

import { connect as connectTcp, type Socket } from 'node:net';
import { waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import { optionsFromEnv } from '../../src/apps/load-config';
import { clientIp, ipLimitKey } from '../../src/net/client-ip';
import { TrustedProxies } from '../../src/net/trusted-proxies';
import { DEFAULT_MAX_CONNECTIONS_PER_IP } from '../../src/options/defaults';
import { resolveServerOptions } from '../../src/options/resolve';
import { connect, RawClient, startServer } from '../ws-helpers';

/** Resolves 'open' when the connection is established, else the close code it got. */
async function outcome(client: RawClient): Promise<'open' | number> {
  return Promise.race([
    client.event('pusher:connection_established').then(() => 'open' as const),
    client.closed.then(({ code }) => code),
  ]);
}

function viaProxy(url: string, forwardedFor: string): RawClient {
  return new RawClient(url, { headers: { 'x-forwarded-for': forwardedFor } });
}

/** Opens `count` idle TCP sockets (as slow HTTP clients would) and waits until each connected. */
async function openSockets(port: number, count: number): Promise<Socket[]> {
  const sockets = Array.from({ length: count }, () => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    return socket;
  });
  await Promise.all(sockets.map((s) => new Promise((resolve) => s.once('connect', resolve))));
  return sockets;
}

/** Resolves true when the server closes `socket` within `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe('attack: connection floods from one IP', () => {
  it('with the defaults, one IP cannot hold more than maxConnectionsPerIp sockets', async () => {
    const { server, address } = await startServer();
    const extra = 20;
    const sockets = await openSockets(address.port, DEFAULT_MAX_CONNECTIONS_PER_IP + extra);
    try {
      const closed = await Promise.all(sockets.map((socket) => closedWithin(socket, 1_000)));
      expect(closed.filter(Boolean)).toHaveLength(extra);
      expect(server.metrics.render()).toMatch(
        new RegExp(`pushwire_errors_total\\{app_id="",kind="ip_limit"\\} ${extra}\\b`),
      );
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });

  it('counts slow HTTP sockets and WebSockets together per IP and frees a slot on close', async () => {
    const { address, wsUrl } = await startServer({ maxConnectionsPerIp: 4 });
    const idle = await openSockets(address.port, 2);
    const first = await connect(wsUrl());
    const second = await connect(wsUrl());
    // The fifth socket from 127.0.0.1 is closed before its upgrade is even read.
    const refused = new RawClient(wsUrl());
    expect(await outcome(refused)).toBe(1006);
    idle[0]?.destroy();
    await waitUntil(async () => (await outcome(new RawClient(wsUrl()))) === 'open');
    first.socket.close();
    second.socket.close();
    for (const socket of idle) socket.destroy();
  });

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    const { wsUrl } = await startServer({ maxConnectionsPerIp: 2, trustedProxies: ['10.0.0.0/8'] });
    await connect(wsUrl(), { headers: { 'x-forwarded-for': '203.0.113.1' } });
    await connect(wsUrl(), { headers: { 'x-forwarded-for': '203.0.113.2' } });
    // A third "client" with yet another forged address is still 127.0.0.1.
    expect(await outcome(viaProxy(wsUrl(), '203.0.113.3'))).toBe(1006);
  });

  it('counts WebSockets per forwarded client IP behind a trusted proxy, right-most untrusted hop', async () => {
    const { server, wsUrl } = await startServer({
      maxConnectionsPerIp: 2,
      trustedProxies: ['127.0.0.1', '10.0.0.0/8'],
    });
    const url = wsUrl();
    expect(await outcome(viaProxy(url, '203.0.113.7'))).toBe('open');
    // A trusted hop to the right is skipped; a forged hop to the left is not believed.
    expect(await outcome(viaProxy(url, '198.51.100.1, 203.0.113.7, 10.1.2.3'))).toBe('open');
    const third = viaProxy(url, '192.0.2.99, 203.0.113.7');
    expect(await outcome(third)).toBe(4100);
    expect(third.frames[0]).toEqual({
      event: 'pusher:error',
      data: { code: 4100, message: 'Over capacity; reconnect later' },
    });
    // Another client behind the same proxy is not affected.
    expect(await outcome(viaProxy(url, '203.0.113.8'))).toBe('open');
    expect(server.metrics.get('pushwire_errors_total', { kind: 'ip_limit' })).toBe(1);
  });

  it('caps the node with maxConnections (4100, reconnect later) and frees the slot on close', async () => {
    const { server, wsUrl } = await startServer({ maxConnections: 2 });
    const first = await connect(wsUrl());
    await connect(wsUrl());
    const refused = new RawClient(wsUrl());
    expect(await outcome(refused)).toBe(4100);
    expect(server.metrics.get('pushwire_errors_total', { kind: 'server_full' })).toBe(1);
    first.socket.close();
    await first.closed;
    await waitUntil(async () => (await outcome(new RawClient(wsUrl()))) === 'open');
  });
});

describe('client IP and trusted proxies', () => {
  const trusted = new TrustedProxies(['10.0.0.0/8', '192.0.2.1', 'fd00::/8', '2001:db8::1']);

  it('uses the socket address unless it is a trusted proxy', () => {
    expect(clientIp('198.51.100.9', '203.0.113.1', trusted)).toBe('198.51.100.9');
    expect(clientIp('::ffff:198.51.100.9', undefined, trusted)).toBe('198.51.100.9');
    expect(clientIp('10.1.1.1', '203.0.113.1', trusted)).toBe('203.0.113.1');
  });

  it('matches IPv4, IPv6, CIDR and IPv4-mapped IPv6 proxies', () => {
    expect(clientIp('::ffff:10.9.9.9', '203.0.113.1', trusted)).toBe('203.0.113.1');
    expect(clientIp('fd12::5', '2001:db8::42', trusted)).toBe('2001:db8::42');
    expect(clientIp('2001:db8::1', '[2001:db8::43]:5000', trusted)).toBe('2001:db8::43');
    expect(clientIp('192.0.2.1', '203.0.113.1:443', trusted)).toBe('203.0.113.1');
    expect(clientIp('192.0.2.2', '203.0.113.1', trusted)).toBe('192.0.2.2');
  });

  it('takes the right-most untrusted hop, and stops at an unreadable one', () => {
    expect(clientIp('10.0.0.1', '1.1.1.1, 203.0.113.5, 10.0.0.2', trusted)).toBe('203.0.113.5');
    expect(clientIp('10.0.0.1', ['1.1.1.1', '203.0.113.5'], trusted)).toBe('203.0.113.5');
    expect(clientIp('10.0.0.1', 'garbage, 10.0.0.3', trusted)).toBe('10.0.0.3');
    expect(clientIp('10.0.0.1', '', trusted)).toBe('10.0.0.1');
  });

  it('counts an IPv6 client as its /64 network and an IPv4 client as itself', () => {
    expect(ipLimitKey('203.0.113.5')).toBe('203.0.113.5');
    expect(ipLimitKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipLimitKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(ipLimitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipLimitKey('::1')).toBe('0:0:0:0::/64');
    expect(ipLimitKey('64:ff9b::1.2.3.4')).toBe('64:ff9b:0:0::/64');
    expect(ipLimitKey('fe80:0000:0000:0000:0001::')).toBe('fe80:0:0:0::/64');
  });

  it('validates trustedProxies and reads the limits from the environment', () => {
    expect(() => resolveServerOptions({ trustedProxies: ['10.0.0.0/33'] })).toThrow(
      /trustedProxies\[0\]/,
    );
    expect(() => resolveServerOptions({ trustedProxies: ['proxy.local'] })).toThrow(
      /trustedProxies\[0\]/,
    );
    expect(
      optionsFromEnv({
        PUSHWIRE_MAX_CONNECTIONS: '5000',
        PUSHWIRE_MAX_CONNECTIONS_PER_IP: '0',
        PUSHWIRE_TRUSTED_PROXIES: '10.0.0.0/8, ::1',
      }),
    ).toEqual({
      maxConnections: 5000,
      maxConnectionsPerIp: 0,
      trustedProxies: ['10.0.0.0/8', '::1'],
    });
    expect(() => optionsFromEnv({ PUSHWIRE_MAX_CONNECTIONS_PER_IP: '-1' })).toThrow(
      /PUSHWIRE_MAX_CONNECTIONS_PER_IP/,
    );
    expect(() => optionsFromEnv({ PUSHWIRE_TRUSTED_PROXIES: 'nope' })).toThrow(
      /PUSHWIRE_TRUSTED_PROXIES/,
    );
  });
});
