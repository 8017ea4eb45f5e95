/**
 * @module http/cluster-reach
 * The REST API's delivery promise: an event is published (and a termination sent) only while the
 * adapter can reach every node. Otherwise the request is refused with 503 and `Retry-After`, having
 * done nothing, so that the client's retry delivers it once the cluster is reachable again, and a
 * 2xx never stands for an event that stayed on one node.
 */
import type { Adapter } from '../adapters/adapter';
import { HttpStatusError } from './http-status-error';

/** Seconds a client is asked to wait (`Retry-After`) before retrying a refused request. */
export const CLUSTER_UNREACHABLE_RETRY_AFTER_SEC = 2;

/** Throws a 503 with `Retry-After` unless a publish made now reaches the whole cluster. */
export function assertClusterReachable(adapter: Adapter): void {
  if (adapter.canReachCluster()) return;
  throw new HttpStatusError(
    503,
    'This node cannot reach the cluster right now; nothing was done. Retry later.',
    { 'retry-after': String(CLUSTER_UNREACHABLE_RETRY_AFTER_SEC) },
  );
}
