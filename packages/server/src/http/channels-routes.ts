/**
 * @module http/channels-routes
 * Application state queries: `GET /channels` (occupied channels), `GET /channels/{name}`,
 * `GET /channels/{name}/users`, and `POST /users/{id}/terminate_connections`.
 * @see https://pusher.com/docs/channels/library_auth_reference/rest-api/#channels
 */
import { channelType, isCacheChannel } from '@pushwire/sdk';
import { isInternalChannel } from '../channels/channel-kind';
import type { ServerContext } from '../core/server-context';
import type { ApiRequest, ApiResponse } from './api-request';
import { assertClusterReachable } from './cluster-reach';
import { checkChannelName, parseInfo } from './event-input';
import { badRequest } from './http-status-error';

const CHANNELS_INFO: ReadonlySet<string> = new Set(['user_count']);
const CHANNEL_INFO: ReadonlySet<string> = new Set(['user_count', 'subscription_count', 'cache']);

/** `GET /apps/{id}/channels?filter_by_prefix=&info=user_count`: occupied channels only. */
export async function listChannels(ctx: ServerContext, request: ApiRequest): Promise<ApiResponse> {
  const prefix = request.query['filter_by_prefix'];
  const info = parseInfo(request.query['info'], CHANNELS_INFO, 'info');
  const wantsUserCount = info?.has('user_count') === true;
  if (wantsUserCount && !(prefix ?? '').startsWith('presence-')) {
    throw badRequest('info=user_count requires filter_by_prefix to start with "presence-"');
  }
  const occupied = await ctx.adapter.channels(request.app.id, prefix || undefined);
  const channels: Record<string, Record<string, number>> = {};
  for (const [name, state] of occupied) {
    if (isInternalChannel(name)) continue;
    channels[name] = wantsUserCount ? { user_count: state.userCount ?? 0 } : {};
  }
  return { status: 200, body: { channels } };
}

/** `GET /apps/{id}/channels/{name}?info=user_count,subscription_count,cache`. */
export async function channelState(ctx: ServerContext, request: ApiRequest): Promise<ApiResponse> {
  const channel = checkChannelName(request.param, request.app.limits, 'channel name');
  const info = parseInfo(request.query['info'], CHANNEL_INFO, 'info');
  const presence = channelType(channel) === 'presence';
  if (info?.has('user_count') && !presence) {
    throw badRequest('info=user_count is only available for presence channels');
  }
  if (info?.has('cache') && !isCacheChannel(channel)) {
    throw badRequest('info=cache is only available for cache channels');
  }
  const state = await ctx.adapter.channel(request.app.id, channel);
  const body: Record<string, unknown> = { occupied: state !== undefined };
  if (info?.has('user_count')) body['user_count'] = state?.userCount ?? 0;
  if (info?.has('subscription_count')) body['subscription_count'] = state?.subscriptionCount ?? 0;
  if (info?.has('cache')) {
    const cached = await ctx.adapter.cachedEvent(request.app.id, channel);
    if (cached !== undefined) body['cache'] = { data: cached.event.data, ttl: cached.ttlSec };
  }
  return { status: 200, body };
}

/** `GET /apps/{id}/channels/{name}/users`: unique user ids, as strings; presence channels only. */
export async function channelUsers(ctx: ServerContext, request: ApiRequest): Promise<ApiResponse> {
  const channel = checkChannelName(request.param, request.app.limits, 'channel name');
  if (channelType(channel) !== 'presence') {
    throw badRequest('Users can only be listed for presence channels');
  }
  const members = await ctx.adapter.members(request.app.id, channel);
  const seen = new Set<string>();
  const users: { id: string }[] = [];
  for (const member of members) {
    const id = String(member.userId);
    if (seen.has(id)) continue;
    seen.add(id);
    users.push({ id });
  }
  return { status: 200, body: { users } };
}

/** `POST /apps/{id}/users/{userId}/terminate_connections`: closes the user's signed-in connections. */
export async function terminateUserConnections(
  ctx: ServerContext,
  request: ApiRequest,
): Promise<ApiResponse> {
  const userId = request.param;
  const limit = request.app.limits.maxUserIdLength;
  if (userId.length === 0 || userId.length > limit) {
    throw badRequest(`user id must be 1 to ${limit} characters`);
  }
  assertClusterReachable(ctx.adapter);
  await ctx.adapter.terminateUser(request.app.id, userId);
  return { status: 200, body: {} };
}
