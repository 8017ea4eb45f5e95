/**
 * @module handlers/subscribe-flow
 * `pusher:subscribe` and `pusher:unsubscribe` for every channel kind: validation, signature check,
 * presence membership with its limits, cluster-wide bookkeeping through the adapter, the frames
 * (`subscription_succeeded`, cached event or `pusher:cache_miss`, `member_added`/`member_removed`,
 * `subscription_count`) and the webhooks on the transitions the adapter reports to this caller.
 * Runs inside the connection's task chain, so one socket's calls never interleave. A provisional
 * answer (the adapter lost the cluster and answered from this node's view) still produces the local
 * frames but no webhook and no subscription_count: the adapter reports the cluster-wide transition
 * after it resynchronized (see cluster-changes.ts). The presence member limit is checked by the
 * adapter in the same atomic step as the join.
 * @see https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/#subscription-events
 */

import { channelType, serverToUserId } from '@pushwire/sdk';
import {
  isMemberLimitReached,
  type MemberChange,
  type PresenceMember,
  type SubscriptionChange,
} from '../adapters/adapter';
import { type ChannelInfo, classifyChannel } from '../channels/channel-kind';
import { memberFromChannelData, memberFromSignedInUser } from '../channels/presence-member';
import { forgetRosterFrame, presenceRosterFrame } from '../channels/roster-frame';
import { authError, SubscriptionError } from '../channels/subscription-error';
import { isValidChannelAuth } from '../channels/verify-auth';
import { type Connection, PLAIN_SUBSCRIPTION } from '../core/connection';
import type { ServerContext } from '../core/server-context';
import type { ResolvedApp } from '../options';
import { SubscriptionStatus } from '../protocol/close-codes';
import {
  cacheMissFrame,
  channelEventFrame,
  memberAddedFrame,
  memberRemovedFrame,
  subscriptionSucceededFrame,
} from '../protocol/frames';
import { ProtocolError } from '../protocol/protocol-error';

/** A `cache_miss` webhook is sent at most once per app and channel in this window, cluster-wide. */
export const CACHE_MISS_WEBHOOK_DEDUP_SEC = 60;

export interface SubscribeRequest {
  readonly channel: string;
  readonly auth: string | undefined;
  readonly channelData: string | undefined;
}

/** Verifies the request and returns the presence member (presence channels) or undefined. */
function authorize(
  connection: Connection,
  info: ChannelInfo,
  request: SubscribeRequest,
): PresenceMember | undefined {
  const { app, socketId } = connection;
  if (info.type === 'server-to-user') {
    if (connection.user === undefined || connection.user.id !== info.userId) {
      throw authError(`Only a connection signed in as this user may subscribe to ${info.name}`);
    }
    return undefined;
  }
  if (!info.requiresAuth) return undefined;
  const badSignature = () => authError(`Invalid signature for channel ${info.name}`);
  if (info.type !== 'presence') {
    if (!isValidChannelAuth(app, socketId, info.name, request.auth)) throw badSignature();
    return undefined;
  }
  if (request.channelData !== undefined) {
    const valid = isValidChannelAuth(app, socketId, info.name, request.auth, request.channelData);
    if (!valid) throw badSignature();
    return memberFromChannelData(request.channelData, app.limits);
  }
  if (connection.user === undefined) {
    throw authError(`Presence channel ${info.name} needs channel_data (or sign in first)`);
  }
  if (!isValidChannelAuth(app, socketId, info.name, request.auth)) throw badSignature();
  return memberFromSignedInUser(connection.user, app.limits);
}

/** Adds the presence member with the app's limit; a full channel is a 4100 subscription error. */
async function addMemberWithinLimit(
  ctx: ServerContext,
  app: ResolvedApp,
  channel: string,
  socketId: string,
  member: PresenceMember,
): Promise<MemberChange> {
  const max = app.limits.maxPresenceMembers;
  const result = await ctx.adapter.addMember(
    app.id,
    channel,
    socketId,
    member,
    max > 0 ? { maxMembers: max } : {},
  );
  if (isMemberLimitReached(result)) {
    throw new SubscriptionError(
      'subscription_limit',
      'LimitReached',
      SubscriptionStatus.LimitReached,
      `Presence channel ${channel} is full (${max} members)`,
    );
  }
  return result;
}

/** Pusher's answer to a subscribe for a channel the connection holds: `pusher:error`, code null. */
function duplicateSubscription(channel: string): ProtocolError {
  return new ProtocolError('invalid_message', `Existing subscription to channel ${channel}`, null);
}

/** The connection holds `maxSubscriptionsPerConnection` channels: a 4100 subscription error. */
function subscriptionLimit(channel: string, max: number): SubscriptionError {
  return new SubscriptionError(
    'subscription_limit',
    'LimitReached',
    SubscriptionStatus.LimitReached,
    `Cannot subscribe to ${channel}: this connection is subscribed to ${max} channels, the limit`,
  );
}

export async function subscribe(
  ctx: ServerContext,
  connection: Connection,
  request: SubscribeRequest,
): Promise<void> {
  const { app, socketId } = connection;
  let info: ChannelInfo;
  try {
    info = classifyChannel(request.channel, app.limits);
  } catch (error) {
    const message = error instanceof Error ? error.message : 'Invalid channel name';
    throw new SubscriptionError(
      'invalid_channel',
      'InvalidChannel',
      SubscriptionStatus.InvalidChannel,
      message,
    );
  }
  // A channel this connection already holds: refused as Pusher does, before any signature check
  // or roster read, so that repeating a subscribe costs one small frame and never amplifies.
  if (connection.subscription(info.name) !== undefined) throw duplicateSubscription(info.name);
  const max = app.limits.maxSubscriptionsPerConnection;
  if (max > 0 && connection.subscriptionCount >= max) throw subscriptionLimit(info.name, max);
  const member = authorize(connection, info, request);
  const channel = info.name;
  if (info.requiresAuth || info.type === 'server-to-user') connection.cancelAuthDeadline();

  if (info.type === 'server-to-user') {
    connection.addSubscription(channel, PLAIN_SUBSCRIPTION);
    connection.send(subscriptionSucceededFrame(channel));
    ctx.debug?.subscribed(app.id, socketId, channel);
    return;
  }

  // Recorded before the first state change so that a close arriving meanwhile cleans it up too.
  connection.addSubscription(channel, member === undefined ? PLAIN_SUBSCRIPTION : { member });
  let memberChange: MemberChange | undefined;
  let change: SubscriptionChange;
  let members: PresenceMember[] | undefined;
  let cached: Awaited<ReturnType<typeof ctx.adapter.cachedEvent>>;
  try {
    if (member !== undefined) {
      memberChange = await addMemberWithinLimit(ctx, app, channel, socketId, member);
    }
    change = await ctx.adapter.addSubscription(app.id, channel, socketId);
    members = member === undefined ? undefined : await ctx.adapter.members(app.id, channel);
    cached = info.cache ? await ctx.adapter.cachedEvent(app.id, channel) : undefined;
  } catch (error) {
    // Roll back so that a retry starts clean (the adapter ignores what it never recorded).
    connection.removeSubscription(channel);
    await ctx.adapter.removeMember(app.id, channel, socketId).catch(() => undefined);
    await ctx.adapter.removeSubscription(app.id, channel, socketId).catch(() => undefined);
    throw error;
  }

  // From here on everything is synchronous: no event can slip between these frames.
  ctx.registry.subscribe(connection, channel);
  ctx.debug?.subscribed(app.id, socketId, channel, member?.userId);
  connection.send(
    members === undefined
      ? subscriptionSucceededFrame(channel)
      : presenceRosterFrame(app.id, channel, members),
  );
  if (info.cache) {
    if (cached !== undefined) {
      connection.send(channelEventFrame(cached.event.event, channel, cached.event.data));
    } else {
      connection.send(cacheMissFrame(channel));
      const claimKey = `cache_miss:${app.id}:${channel}`;
      ctx.adapter.claimOnce(claimKey, CACHE_MISS_WEBHOOK_DEDUP_SEC).then(
        (won) => {
          if (won) ctx.webhooks.emit(app, { name: 'cache_miss', channel });
        },
        (error: unknown) => ctx.logger.warn('cache_miss claim failed', { error: String(error) }),
      );
    }
  }

  // Frames to the other nodes go out before any webhook work (a process's first webhook request
  // can hold the event loop for a while), so that other members hear of the join at once.
  if (memberChange?.transitioned) {
    announceMemberAdded(ctx, app, channel, memberChange.member, {
      exceptSocketId: socketId,
      webhook: false,
    });
  }
  if (change.transitioned && !change.provisional) {
    ctx.webhooks.emit(app, { name: 'channel_occupied', channel });
  }
  if (memberChange?.transitioned && !memberChange.provisional) {
    ctx.webhooks.emit(app, { name: 'member_added', channel, user_id: memberChange.member.userId });
  }
  if (!change.provisional) {
    ctx.subscriptionCounts.changed(app, channel, info.type, change.subscriptionCount);
  }
}

export async function unsubscribe(
  ctx: ServerContext,
  connection: Connection,
  channel: string,
): Promise<void> {
  const subscription = connection.subscription(channel);
  if (subscription === undefined) return;
  connection.removeSubscription(channel);
  ctx.registry.unsubscribe(connection, channel);
  ctx.debug?.unsubscribed(connection.app.id, connection.socketId, channel);
  if (serverToUserId(channel) !== undefined) return;

  const { app, socketId } = connection;
  if (subscription.member !== undefined) {
    const memberChange = await ctx.adapter.removeMember(app.id, channel, socketId);
    if (memberChange?.userCount === 0) forgetRosterFrame(app.id, channel);
    if (memberChange?.transitioned) {
      announceMemberRemoved(ctx, app, channel, memberChange.member.userId, {
        exceptSocketId: socketId,
        webhook: memberChange.provisional !== true,
      });
    }
  }
  const change = await ctx.adapter.removeSubscription(app.id, channel, socketId);
  if (change === undefined || change.provisional) return;
  if (change.transitioned) announceVacated(ctx, app, channel);
  const kind = subscription.member !== undefined ? 'presence' : channelType(channel);
  ctx.subscriptionCounts.changed(app, channel, kind, change.subscriptionCount);
}

/** How a member announcement is sent. */
export interface AnnounceOptions {
  /** The connection that caused it and must not receive the frame (none: every subscriber). */
  readonly exceptSocketId?: string;
  /** Send the webhook too (false for provisional transitions). @default true */
  readonly webhook?: boolean;
  /** This node's clients already got the frame: send it to the other nodes only. @default false */
  readonly remoteOnly?: boolean;
}

/** `member_added` to the channel on every node (except the joiner) and the webhook. */
export function announceMemberAdded(
  ctx: ServerContext,
  app: ResolvedApp,
  channel: string,
  member: PresenceMember,
  options: AnnounceOptions = {},
): void {
  ctx.adapter.publish({
    appId: app.id,
    channel,
    frame: memberAddedFrame(channel, member),
    ...(options.exceptSocketId === undefined ? {} : { exceptSocketId: options.exceptSocketId }),
    ...(options.remoteOnly === true ? { remoteOnly: true } : {}),
  });
  if (options.webhook === false) return;
  ctx.webhooks.emit(app, { name: 'member_added', channel, user_id: member.userId });
}

/** `member_removed` to the channel (except the leaver) and the debounced webhook. */
export function announceMemberRemoved(
  ctx: ServerContext,
  app: ResolvedApp,
  channel: string,
  userId: string,
  options: AnnounceOptions = {},
): void {
  ctx.adapter.publish({
    appId: app.id,
    channel,
    frame: memberRemovedFrame(channel, userId),
    ...(options.exceptSocketId === undefined ? {} : { exceptSocketId: options.exceptSocketId }),
    ...(options.remoteOnly === true ? { remoteOnly: true } : {}),
  });
  if (options.webhook !== false) memberRemovedWebhook(ctx, app, channel, userId);
}

/** The debounced `member_removed` webhook (sent only if the user is still gone after the delay). */
export function memberRemovedWebhook(
  ctx: ServerContext,
  app: ResolvedApp,
  channel: string,
  userId: string,
): void {
  ctx.webhooks.emit(
    app,
    { name: 'member_removed', channel, user_id: userId },
    {
      delayMs: ctx.options.vacateDelayMs,
      confirm: async () =>
        (await ctx.adapter.members(app.id, channel)).every((m) => m.userId !== userId),
    },
  );
}

/** The debounced `channel_vacated` webhook (sent only if still vacated after the delay). */
export function announceVacated(ctx: ServerContext, app: ResolvedApp, channel: string): void {
  ctx.webhooks.emit(
    app,
    { name: 'channel_vacated', channel },
    {
      delayMs: ctx.options.vacateDelayMs,
      confirm: async () => (await ctx.adapter.channel(app.id, channel)) === undefined,
    },
  );
}
