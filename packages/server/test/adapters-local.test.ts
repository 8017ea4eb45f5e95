/**
 * @module test/adapters-local
 * Runs the shared adapter contract against the in-process LocalAdapter, with a fake clock for
 * cache and claim TTLs, plus the LocalAdapter's own edge cases; and the same contract through the
 * DeferredAdapter (what `createServer({ redisUrl })` uses to load its adapter at start).
 */
import { describe, expect, it } from 'vitest';
import { AdapterUsageError } from '../src/adapters/adapter-errors';
import { DeferredAdapter } from '../src/adapters/deferred-adapter';
import { LocalAdapter } from '../src/adapters/local/local-adapter';
import { type ContractCluster, RecordingHandlers, runAdapterContract } from './adapters-contract';

async function makeLocalCluster(nodeCount: number): Promise<ContractCluster> {
  if (nodeCount !== 1) {
    throw new Error(`LocalAdapter is single-node: asked for ${nodeCount} nodes`);
  }
  let nowMs = 1_700_000_000_000;
  const adapter = new LocalAdapter({ now: () => nowMs });
  const handlers = new RecordingHandlers();
  await adapter.start(handlers);
  return {
    nodes: [{ adapter, handlers }],
    elapse: async (ms) => {
      nowMs += ms;
    },
    close: () => adapter.close(),
  };
}

runAdapterContract('LocalAdapter', makeLocalCluster, {
  maxNodes: 1,
  singleNodeReason: 'LocalAdapter keeps all state in one process (use RedisAdapter to scale out)',
});

async function makeDeferredCluster(nodeCount: number): Promise<ContractCluster> {
  if (nodeCount !== 1) throw new Error(`the deferred LocalAdapter is single-node: ${nodeCount}`);
  let nowMs = 1_700_000_000_000;
  const adapter = new DeferredAdapter(async () => new LocalAdapter({ now: () => nowMs }));
  const handlers = new RecordingHandlers();
  await adapter.start(handlers);
  return {
    nodes: [{ adapter, handlers }],
    elapse: async (ms) => {
      nowMs += ms;
    },
    close: () => adapter.close(),
  };
}

runAdapterContract('DeferredAdapter(LocalAdapter)', makeDeferredCluster, {
  maxNodes: 1,
  singleNodeReason: 'it forwards to a LocalAdapter, which is single-node',
});

describe('DeferredAdapter specifics', () => {
  it('is unusable before start(), loads once, and a failed load rejects start()', async () => {
    let loads = 0;
    const adapter = new DeferredAdapter(async () => {
      loads += 1;
      return new LocalAdapter({ nodeId: 'inner' });
    });
    expect(adapter.health()).toEqual({ ok: false, detail: 'not started' });
    expect(adapter.canReachCluster()).toBe(false);
    expect(adapter.current).toBeUndefined();
    expect(() => adapter.publish({ appId: 'a', channel: 'c', frame: 'f' })).toThrow(
      AdapterUsageError,
    );
    await adapter.start(new RecordingHandlers());
    expect(adapter.canReachCluster()).toBe(true);
    expect(adapter.nodeId).toBe('inner');
    expect(adapter.current).toBeInstanceOf(LocalAdapter);
    await expect(adapter.start(new RecordingHandlers())).rejects.toBeInstanceOf(AdapterUsageError);
    expect(loads).toBe(1);
    await adapter.close();
    await adapter.close();
    expect(adapter.canReachCluster()).toBe(false);

    const failing = new DeferredAdapter(async () => {
      throw new Error('cannot load');
    });
    await expect(failing.start(new RecordingHandlers())).rejects.toThrow('cannot load');
    await failing.close();
  });
});

describe('LocalAdapter specifics', () => {
  it('rejects use before start() and a second start() with a typed error', async () => {
    const adapter = new LocalAdapter();
    expect(() => adapter.publish({ appId: 'a', channel: 'c', frame: 'f' })).toThrow(
      AdapterUsageError,
    );
    expect(adapter.canReachCluster()).toBe(false);
    await adapter.start(new RecordingHandlers());
    expect(adapter.canReachCluster()).toBe(true);
    await expect(adapter.start(new RecordingHandlers())).rejects.toBeInstanceOf(AdapterUsageError);
    await adapter.close();
  });

  it('publish after close() is a no-op and state is gone', async () => {
    const adapter = new LocalAdapter({ nodeId: 'n1' });
    const handlers = new RecordingHandlers();
    await adapter.start(handlers);
    expect(adapter.nodeId).toBe('n1');
    await adapter.addSubscription('a', 'c', '1.1');
    await adapter.close();
    adapter.publish({ appId: 'a', channel: 'c', frame: 'f' });
    await adapter.terminateUser('a', 'u');
    expect(handlers.delivered).toEqual([]);
    expect(handlers.terminated).toEqual([]);
    expect(await adapter.channel('a', 'c')).toBeUndefined();
  });

  it('cached events keep their TTL on the injected clock, rounded up to whole seconds', async () => {
    let nowMs = 0;
    const adapter = new LocalAdapter({ now: () => nowMs });
    await adapter.start(new RecordingHandlers());
    await adapter.setCachedEvent('a', 'cache-c', { event: 'e', data: 'd' }, 10);
    nowMs = 2500;
    expect((await adapter.cachedEvent('a', 'cache-c'))?.ttlSec).toBe(8);
    nowMs = 9999;
    expect((await adapter.cachedEvent('a', 'cache-c'))?.ttlSec).toBe(1);
    nowMs = 10_000;
    expect(await adapter.cachedEvent('a', 'cache-c')).toBeUndefined();
    await adapter.close();
  });
});
