/**
 * @module test-support/local-adapter-cluster
 * The adapter contract's cluster for the LocalAdapter: one node with a fake clock for cache and
 * claim TTLs, built from the classes given (the server's sources, or its built package).
 */
import type { LocalAdapter } from '@pushwire/server';
import type { ContractCluster, RecordingHandlers } from '@pushwire/server/testing';

/** Where the LocalAdapter and the contract's RecordingHandlers come from. */
export interface LocalAdapterClasses {
  readonly LocalAdapter: typeof LocalAdapter;
  readonly RecordingHandlers: typeof RecordingHandlers;
}

/** `makeCluster` for `runAdapterContract`: a single started LocalAdapter whose clock `elapse` moves. */
export function localAdapterCluster(
  classes: LocalAdapterClasses,
): (nodeCount: number) => Promise<ContractCluster> {
  return async (nodeCount) => {
    if (nodeCount !== 1) {
      throw new Error(`LocalAdapter is single-node: asked for ${nodeCount} nodes`);
    }
    let nowMs = 1_700_000_000_000;
    const adapter = new classes.LocalAdapter({ now: () => nowMs });
    const handlers = new classes.RecordingHandlers();
    await adapter.start(handlers);
    return {
      nodes: [{ adapter, handlers }],
      elapse: async (ms) => {
        nowMs += ms;
      },
      close: () => adapter.close(),
    };
  };
}
