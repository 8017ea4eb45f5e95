/**
 * Connection reuse: the Node transport keeps connections alive, so many sequential requests
 * reach the server over one socket, and concurrent ones reuse a bounded set.
 */
import { describe, expect, it } from 'vitest';
import { clientFor, fakeApi } from './helpers/clients';

describe('keep-alive', () => {
  it('the server sees one socket for many sequential requests', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api);
    for (let i = 0; i < 20; i++) await pusher.trigger('c', 'e', { i });
    for (let i = 0; i < 5; i++) await pusher.channels();
    expect(api.requests).toHaveLength(25);
    expect(api.connectionCount()).toBe(1);
    expect(new Set(api.requests.map((request) => request.connection))).toEqual(new Set([1]));
  });

  it('concurrent bursts reuse the sockets of the previous burst', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api);
    await Promise.all(Array.from({ length: 8 }, (_, i) => pusher.trigger('c', 'e', i)));
    const afterFirst = api.connectionCount();
    expect(afterFirst).toBeLessThanOrEqual(8);
    await Promise.all(Array.from({ length: 8 }, (_, i) => pusher.trigger('c', 'e', i)));
    expect(api.connectionCount()).toBe(afterFirst);
  });

  it('close() releases idle sockets and the client keeps working', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api);
    await pusher.trigger('c', 'e', 1);
    pusher.close();
    await pusher.trigger('c', 'e', 2);
    expect(api.connectionCount()).toBe(2);
  });
});
