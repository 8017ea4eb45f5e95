/**
 * @module ws/socket-id
 * Socket ids of the form `<node>.<counter>` (`^\d+\.\d+$`, as the server SDKs require). The first
 * part is a random 9-digit number drawn once per server, the second a per-server counter, so ids
 * are unique within a node and, with overwhelming probability, across a cluster: socket ids are the
 * cross-node exclusion keys for `socket_id` on publish.
 */

import { randomInt } from 'node:crypto';

const NODE_NUMBER_MIN = 100_000_000;
const NODE_NUMBER_MAX_EXCLUSIVE = 1_000_000_000;

export function createSocketIdGenerator(): () => string {
  const nodeNumber = randomInt(NODE_NUMBER_MIN, NODE_NUMBER_MAX_EXCLUSIVE);
  let counter = randomInt(1, 1_000_000);
  return () => {
    counter += 1;
    return `${nodeNumber}.${counter}`;
  };
}
