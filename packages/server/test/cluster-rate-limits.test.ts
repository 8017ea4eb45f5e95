/**
 * @module test/cluster-rate-limits
 * The REST rate limits across a cluster: two server processes on one real Redis (and on a real
 * 3-master Redis Cluster) share each app's one-second windows, so publishes and reads sent to both
 * nodes at once are admitted up to the limit in total (never more), short of it by at most the
 * documented bound (each node may strand less than one reservation batch, see
 * http/rest-rate-limiter.ts), and the rest get 429 with `Retry-After`, counted on the node that
 * refused them.
 */
import { Pusher as PushwireSdk, RateLimitError } from '@pushwire/sdk';
import { describe, expect, it, onTestFinished } from 'vitest';
import { reservationBatch } from '../src/http/rest-rate-limiter';
import { type ClusterNode, startClusterNode, uniqueKeyPrefix } from './cluster-helpers';
import { useRedisTopologies } from './helpers/redis-topologies';
import { APP } from './ws-helpers';

const CLUSTER_TEST_TIMEOUT_MS = 60_000;
const EVENTS_LIMIT = 40;
const READS_LIMIT = 20;
const ROUNDS = 3;

const TOPOLOGIES = useRedisTopologies();

/** An SDK client of `node` that does not retry, so every 429 is seen. */
function noRetrySdk(node: ClusterNode): PushwireSdk {
  const sdk = new PushwireSdk({
    appId: APP.id,
    key: APP.key,
    secret: APP.secret,
    host: '127.0.0.1',
    port: node.port,
    useTLS: false,
    retry: false,
  });
  onTestFinished(() => sdk.close());
  return sdk;
}

/** `pushwire_refusals_total{kind="rate_limited"}` of the app on one node, from its /metrics. */
async function rateLimitedOn(node: ClusterNode): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${node.port}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (!line.startsWith('pushwire_refusals_total{')) continue;
    if (!line.includes('kind="rate_limited"') || !line.includes(`app_id="${APP.id}"`)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

interface Round {
  readonly admitted: number;
  readonly refused: number;
  /** Admitted per node. */
  readonly admittedOn: readonly number[];
  /** New rate_limited refusals counted by the nodes' metrics during the round. */
  readonly counted: number;
}

/**
 * Sends `perNode` requests through each node at once, right after a one-second window began,
 * and counts what was admitted and refused (every failure must be a 429 with `Retry-After`). A
 * round that spilled into the next window (a very slow machine) is run again, up to ROUNDS times.
 */
async function oneWindow(
  nodes: readonly ClusterNode[],
  perNode: number,
  send: (sdk: PushwireSdk, i: number) => Promise<unknown>,
): Promise<Round> {
  const clients = nodes.map(noRetrySdk);
  for (let round = 1; ; round++) {
    const before = await Promise.all(nodes.map(rateLimitedOn));
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 15));
    const windowEnd = Math.floor(Date.now() / 1000) * 1000 + 1000;
    const outcomes = await Promise.all(
      clients.flatMap((sdk) =>
        Array.from({ length: perNode }, (_, i) =>
          send(sdk, i).then(
            () => true,
            (error: unknown) => {
              expect(error).toBeInstanceOf(RateLimitError);
              expect((error as RateLimitError).retryAfterMs).toBe(1000);
              return false;
            },
          ),
        ),
      ),
    );
    if (Date.now() >= windowEnd && round < ROUNDS) continue;
    if (Date.now() >= windowEnd) throw new Error(`${ROUNDS} rounds each spanned two windows`);
    const after = await Promise.all(nodes.map(rateLimitedOn));
    const admittedOn = clients.map(
      (_, n) => outcomes.slice(n * perNode, (n + 1) * perNode).filter(Boolean).length,
    );
    const admitted = admittedOn.reduce((sum, count) => sum + count, 0);
    return {
      admitted,
      refused: outcomes.length - admitted,
      admittedOn,
      counted: after.reduce((sum, count, n) => sum + count - (before[n] ?? 0), 0),
    };
  }
}

describe.each(TOPOLOGIES)('REST rate limits across a cluster on $topology', ({ url: redisUrl }) => {
  it(
    'two nodes share one window per app and kind: never more than the limit, at most a batch per node less',
    async () => {
      const keyPrefix = uniqueKeyPrefix();
      const appLimits = { apiEventsPerSecond: EVENTS_LIMIT, apiReadsPerSecond: READS_LIMIT };
      const nodes = [
        await startClusterNode({ redisUrl: redisUrl(), keyPrefix, appLimits }),
        await startClusterNode({ redisUrl: redisUrl(), keyPrefix, appLimits }),
      ];

      const events = await oneWindow(nodes, EVENTS_LIMIT, (sdk, i) =>
        sdk.trigger(`feed-${i}`, 'e', 'd'),
      );
      expect(events.admitted).toBeLessThanOrEqual(EVENTS_LIMIT);
      // Each node strands less than one batch (these requests are one message each).
      expect(events.admitted).toBeGreaterThan(
        EVENTS_LIMIT - nodes.length * reservationBatch(EVENTS_LIMIT),
      );
      expect(events.admittedOn.every((count) => count > 0)).toBe(true);
      expect(events.refused).toBe(2 * EVENTS_LIMIT - events.admitted);
      expect(events.counted).toBe(events.refused);

      // Reads have their own window; a batch of 1 leaves nothing to strand: exactly the limit.
      const reads = await oneWindow(nodes, READS_LIMIT, (sdk) => sdk.channels());
      expect(reads.admitted).toBe(READS_LIMIT);
      expect(reads.admittedOn.every((count) => count > 0)).toBe(true);
      expect(reads.counted).toBe(reads.refused);
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );
});
