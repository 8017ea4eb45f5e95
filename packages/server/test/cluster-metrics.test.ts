/**
 * Trigger-to-delivery latency across nodes on a real Redis (and a real Redis Cluster): a publish accepted by node A is timed
 * by node B from the publish time carried in the pub/sub envelope, with one observation on the
 * node that fanned it out and none on a node without subscribers.
 */

import { within } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import { startClusterNode, uniqueKeyPrefix } from './cluster-helpers';
import { useRedisTopologies } from './helpers/redis-topologies';
import { APP, connect } from './ws-helpers';

const TOPOLOGIES = useRedisTopologies();

/** The `_count` of the delivery latency histogram of APP on the node at `port`. */
async function deliveryCount(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = new RegExp(
    `^pushwire_delivery_latency_seconds_count\\{app_id="${APP.id}"\\} (\\d+)$`,
    'm',
  ).exec(text);
  expect(line).not.toBeNull();
  return Number(line?.[1]);
}

describe.each(TOPOLOGIES)('delivery latency across nodes on $topology', ({ url: redisUrl }) => {
  it('is observed by the node that delivers a publish another node accepted', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const a = await startClusterNode({ redisUrl: redisUrl(), keyPrefix });
    const b = await startClusterNode({ redisUrl: redisUrl(), keyPrefix });
    const client = await connect(
      `ws://127.0.0.1:${b.port}/app/${APP.key}?protocol=7&client=js&version=8.6.0&flash=false`,
    );
    await client.join('news');
    await a.sdk.trigger('news', 'hello', { n: 1 });
    await within(client.event('hello'), 'the event reached node B');
    client.socket.close();
    expect(await deliveryCount(b.port)).toBe(1);
    expect(await deliveryCount(a.port)).toBe(0);
  }, 45_000);
});
