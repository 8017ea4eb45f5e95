/**
 * @module adapters/redis/cluster-changes
 * Reporting of the changes a reap or a resync left in this node's pending list (`pending:N`): read,
 * ordered for the announcements, handed to `clusterChanged`,
 * then trimmed. At least once: if the trim is lost, they are reported again on the next tick.
 */
import type { Logger } from '../../observability/logger';
import type { AdapterHandlers, ClusterChange } from '../adapter';
import { withDeadline } from './command-deadline';
import { describeError } from './error-text';
import { decodeAppId, type RedisKeys } from './redis-keys';
import { replyArray, replyInt, replyMember, replyString } from './reply-parsing';
import { type RedisClient, runScript } from './scripts';

/** Reports one node's pending changes; see the module comment. */
export class ChangeReporter {
  readonly #keys: RedisKeys;
  readonly #nodeId: string;
  readonly #handlers: AdapterHandlers;
  readonly #logger: Logger;

  constructor(keys: RedisKeys, nodeId: string, handlers: AdapterHandlers, logger: Logger) {
    this.#keys = keys;
    this.#nodeId = nodeId;
    this.#handlers = handlers;
    this.#logger = logger;
  }

  /** Reports the pending changes, then trims exactly those. */
  async reportPending(commands: RedisClient): Promise<void> {
    const rows = replyArray(
      await runScript(commands, 'pendingChanges', this.#keys.anchor, [
        this.#keys.state,
        this.#nodeId,
      ]),
      'pending changes',
    );
    if (rows.length === 0) return;
    const changes = parseChanges(
      rows.map((row) => JSON.parse(replyString(row, 'pending change')) as unknown),
    );
    if (changes.length > 0) reportChanges(this.#handlers, changes, this.#logger);
    await withDeadline(commands, commands.ltrim(this.#keys.pending(this.#nodeId), rows.length, -1));
  }
}

/** Hands reported changes to the core; a handler error is logged, never thrown into the tick. */
function reportChanges(
  handlers: AdapterHandlers,
  changes: readonly ClusterChange[],
  logger: Logger,
): void {
  try {
    handlers.clusterChanged(changes);
  } catch (error) {
    logger.error('cluster change handler failed', { error: describeError(error) });
  }
}

/**
 * Change rows of REAP_NODE / RESYNC_REMOVE / RESYNC_ADD, ordered for the announcements: member removals, then
 * subscription removals (member_removed before vacated), then subscription additions, then member
 * additions (occupied before member_added).
 */
function parseChanges(reply: unknown): ClusterChange[] {
  if (reply === null) return [];
  const removedMembers: ClusterChange[] = [];
  const removedSubscriptions: ClusterChange[] = [];
  const addedSubscriptions: ClusterChange[] = [];
  const addedMembers: ClusterChange[] = [];
  for (const rowReply of replyArray(reply, 'changes')) {
    const row = replyArray(rowReply, 'change');
    const direction = row[8] === 'a' ? 'added' : 'removed';
    const appId = decodeAppId(replyString(row[1], 'change app'));
    const channel = replyString(row[2], 'change channel');
    const socketId = replyString(row[3], 'change socket');
    const transitioned = replyInt(row[5], 'change transition') === 1;
    if (row[0] === 's') {
      (direction === 'added' ? addedSubscriptions : removedSubscriptions).push({
        kind: 'subscription',
        direction,
        appId,
        channel,
        socketId,
        change: { subscriptionCount: replyInt(row[4], 'change count'), transitioned },
      });
    } else {
      (direction === 'added' ? addedMembers : removedMembers).push({
        kind: 'member',
        direction,
        appId,
        channel,
        socketId,
        change: {
          member: replyMember(row[6], row[7], 'change'),
          userCount: replyInt(row[4], 'change count'),
          transitioned,
        },
      });
    }
  }
  return [...removedMembers, ...removedSubscriptions, ...addedSubscriptions, ...addedMembers];
}
