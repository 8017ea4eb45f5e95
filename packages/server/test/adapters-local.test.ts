/**
 * @module test/adapters-local
 * Runs the shared adapter contract against the in-process LocalAdapter, with a fake clock for
 * cache and claim TTLs, plus the LocalAdapter's own edge cases.
 */
import { localAdapterCluster } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import { AdapterUsageError } from '../src/adapters/adapter-errors';
import { LocalAdapter } from '../src/adapters/local/local-adapter';
import { RecordingHandlers, runAdapterContract } from './adapters-contract';

runAdapterContract('LocalAdapter', localAdapterCluster({ LocalAdapter, RecordingHandlers }), {
  maxNodes: 1,
  singleNodeReason: 'LocalAdapter keeps all state in one process (use RedisAdapter to scale out)',
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
