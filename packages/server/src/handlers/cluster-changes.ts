/**
 * @module handlers/cluster-changes
 * The core's one reaction to cluster transitions it did not cause itself, as reported by the
 * adapter through `clusterChanged`: a dead node's connections reaped by this node, or what this
 * node's resynchronization after an outage added back or found gone. Transitions get exactly the frames and webhooks the node's own would get
 * (`member_added` / `member_removed` to every subscriber, `channel_occupied` / `channel_vacated`,
 * member webhooks), and every subscription change updates subscription_count. The adapter reports
 * each change on exactly one node, so each webhook is sent once.
 */

import { channelType } from '@pushwire/sdk';
import type { ClusterChange } from '../adapters/adapter';
import type { ServerContext } from '../core/server-context';
import {
  announceMemberAdded,
  announceMemberRemoved,
  announceVacated,
  memberRemovedWebhook,
} from './subscribe-flow';

/**
 * Applies reported cluster changes in the order given (the adapter orders them for announcing):
 * first every member frame, then the webhooks and subscription counts (a process's first webhook
 * request can hold the event loop for a while; frames should not wait for it). Member frames about
 * this node's own sockets (`isOwnSocket`) go to the other nodes only: this node announced those
 * joins and leaves to its own clients when they happened (while it was cut off from the cluster),
 * so its clients see each exactly once.
 */
export function applyClusterChanges(
  ctx: ServerContext,
  changes: readonly ClusterChange[],
  isOwnSocket: (socketId: string) => boolean,
): void {
  for (const reported of changes) {
    const app = ctx.apps.byId(reported.appId);
    if (app === undefined || reported.kind !== 'member' || !reported.change.transitioned) continue;
    const { member } = reported.change;
    const options = { webhook: false, remoteOnly: isOwnSocket(reported.socketId) };
    if (reported.direction === 'added') {
      announceMemberAdded(ctx, app, reported.channel, member, options);
    } else {
      announceMemberRemoved(ctx, app, reported.channel, member.userId, options);
    }
  }
  for (const reported of changes) {
    const app = ctx.apps.byId(reported.appId);
    if (app === undefined) continue;
    const { channel, direction } = reported;
    if (reported.kind === 'member') {
      if (!reported.change.transitioned) continue;
      const userId = reported.change.member.userId;
      if (direction === 'added') {
        ctx.webhooks.emit(app, { name: 'member_added', channel, user_id: userId });
      } else {
        memberRemovedWebhook(ctx, app, channel, userId);
      }
      continue;
    }
    const { change } = reported;
    if (change.transitioned) {
      if (direction === 'added') ctx.webhooks.emit(app, { name: 'channel_occupied', channel });
      else announceVacated(ctx, app, channel);
    }
    ctx.subscriptionCounts.changed(app, channel, channelType(channel), change.subscriptionCount);
  }
}
