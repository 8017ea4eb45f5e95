/**
 * The debug feed's bounds, in process: nothing is built while nobody watches, the recent-entries
 * ring is capped, a slow watcher loses the oldest entries and is told how many, and the number of
 * watchers is capped per app and in total.
 */
import { describe, expect, it } from 'vitest';
import { DebugFeed } from '../src/console/debug-feed';

function sink(accept: () => boolean = () => true) {
  const chunks: string[] = [];
  return {
    chunks,
    write(chunk: string) {
      chunks.push(chunk);
      return accept();
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('DebugFeed', () => {
  it('builds nothing while nobody watches the app', async () => {
    const feed = new DebugFeed(() => 'node-a');
    expect(feed.watching('app')).toBe(false);
    feed.subscribed('app', '1.1', 'news');
    const out = sink();
    const watcher = feed.watch('app', {}, out);
    expect(watcher).not.toBeTypeOf('string');
    await tick();
    expect(out.chunks).toEqual([]);
    expect(feed.watching('app')).toBe(true);
    expect(feed.watching('other')).toBe(false);
  });

  it('replays at most maxRecentEntries to a new watcher', async () => {
    const feed = new DebugFeed(() => 'node-a', { maxRecentEntries: 3 });
    const first = feed.watch('app', {}, sink());
    for (let i = 0; i < 10; i++) feed.apiEvent('app', `c${i}`, 'e', '{}');
    if (typeof first !== 'string') feed.unwatch(first);
    const out = sink();
    feed.watch('app', {}, out);
    await tick();
    expect(
      out.chunks.map((chunk) => JSON.parse(chunk.split('data: ')[1] as string).channel),
    ).toEqual(['c7', 'c8', 'c9']);
  });

  it('drops the oldest entries for a slow watcher and says how many', async () => {
    const feed = new DebugFeed(() => 'node-a', { maxQueuedEntries: 5 });
    let open = false;
    const out = sink(() => open);
    const watcher = feed.watch('app', {}, out);
    if (typeof watcher === 'string') throw new Error(watcher);
    feed.apiEvent('app', 'first', 'e', '{}');
    await tick();
    expect(out.chunks).toHaveLength(1); // written, and the sink said "slow down"
    for (let i = 0; i < 20; i++) feed.apiEvent('app', `c${i}`, 'e', '{}');
    await tick();
    expect(out.chunks).toHaveLength(1);
    open = true;
    watcher.drained();
    await tick();
    expect(out.chunks[1]).toBe('event: dropped\ndata: {"dropped":15}\n\n');
    expect(
      out.chunks.slice(2).map((chunk) => JSON.parse(chunk.split('data: ')[1] as string).channel),
    ).toEqual(['c15', 'c16', 'c17', 'c18', 'c19']);
  });

  it('caps watchers per app and in total', () => {
    const feed = new DebugFeed(() => 'node-a', { maxWatchersPerApp: 2, maxWatchers: 3 });
    expect(feed.watch('a', {}, sink())).not.toBeTypeOf('string');
    const second = feed.watch('a', {}, sink());
    expect(feed.watch('a', {}, sink())).toBe('too_many_watchers_for_app');
    expect(feed.watch('b', {}, sink())).not.toBeTypeOf('string');
    expect(feed.watch('c', {}, sink())).toBe('too_many_watchers');
    if (typeof second !== 'string') feed.unwatch(second);
    expect(feed.watch('c', {}, sink())).not.toBeTypeOf('string');
  });

  it('cuts event data and keeps per-app connection counts', () => {
    const feed = new DebugFeed(() => 'node-a');
    const out: string[] = [];
    feed.watch('app', {}, { write: (chunk) => out.push(chunk) > 0 });
    feed.connectionOpened('app', '1.1');
    feed.connectionOpened('app', '1.2');
    feed.connectionClosed('app', '1.1', 4009);
    expect(feed.connectionCount('app')).toEqual({ total: 1, nodes: 1 });
    feed.apiEvent('app', 'c', 'e', 'x'.repeat(10_000));
    return tick().then(() => {
      const last = JSON.parse((out.at(-1) as string).split('data: ')[1] as string);
      expect(last.data.length).toBeLessThan(2100);
      const closed = out
        .map((chunk) => JSON.parse(chunk.split('data: ')[1] as string))
        .find((entry) => entry.kind === 'connection_closed');
      expect(closed).toMatchObject({ code: 4009, reason: 'unauthorized' });
    });
  });
});
