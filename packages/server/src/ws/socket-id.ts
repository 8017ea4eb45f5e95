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

export interface SocketIds {
  /** A new socket id of this server. */
  next(): string;
  /** True when `socketId` was issued by this server (its connection was, or is, local). */
  isOwn(socketId: string): boolean;
}

export function createSocketIds(): SocketIds {
  const nodeNumber = randomInt(NODE_NUMBER_MIN, NODE_NUMBER_MAX_EXCLUSIVE);
  const prefix = `${nodeNumber}.`;
  let counter = randomInt(1, 1_000_000);
  return {
    next: () => {
      counter += 1;
      // join() builds one flat string; a template literal would keep a two-part rope per socket.
      return [prefix, counter].join('');
    },
    isOwn: (socketId) => socketId.startsWith(prefix),
  };
}
