/**
 * @module http/events-routes
 * `POST /apps/{id}/events` and `POST /apps/{id}/batch_events`: validate everything first, then
 * publish `{"event","channel","data"}` frames through the adapter (with `socket_id` exclusion),
 * store the last event of cache channels, and answer `{}` or the requested `info`. A valid request
 * over the app's `apiEventsPerSecond` (messages: events × channels) is refused with 429 first (see
 * rest-rate-limiter.ts). While the
 * cluster is unreachable, a valid request is refused with 503 before anything is published (see
 * cluster-reach.ts). The `onEvent` observer, when set, sees each published event and channel.
 * @see https://pusher.com/docs/channels/library_auth_reference/rest-api/#events
 */
import { channelType, isCacheChannel } from '@pushwire/sdk';
import type { ChannelMessage } from '../adapters/adapter';
import type { ServerContext } from '../core/server-context';
import { notifyEventObserver } from '../observability/published-event';
import type { ResolvedApp } from '../options';
import type { ApiRequest, ApiResponse } from './api-request';
import { assertClusterReachable } from './cluster-reach';
import { type EventInput, parseEventInput, parseJsonObject } from './event-input';
import { badRequest } from './http-status-error';

const EMPTY_OBJECT: ApiResponse = { status: 200, body: {} };

/** Publishes one validated event to each of its channels; resolves once cache writes are stored. */
async function publishEvent(
  ctx: ServerContext,
  app: ResolvedApp,
  event: EventInput,
): Promise<void> {
  let cacheWrites: Promise<void>[] | undefined;
  // Serialize name and data once; each frame equals JSON.stringify({ event, channel, data }).
  const head = `{"event":${JSON.stringify(event.name)},"channel":`;
  const tail = `,"data":${JSON.stringify(event.data)}}`;
  const observer = ctx.options.onEvent;
  // Wall clock (epoch ms, sub-ms): other nodes compute the delivery latency from it.
  const publishedAt = performance.timeOrigin + performance.now();
  for (const channel of event.channels) {
    const frame = head + JSON.stringify(channel) + tail;
    const message: ChannelMessage =
      event.socketId === undefined
        ? { appId: app.id, channel, frame, publishedAt }
        : { appId: app.id, channel, frame, exceptSocketId: event.socketId, publishedAt };
    ctx.adapter.publish(message);
    if (observer !== undefined) {
      notifyEventObserver(observer, ctx.logger, {
        source: 'api',
        appId: app.id,
        channel,
        name: event.name,
        data: event.data,
        ...(event.socketId === undefined ? {} : { socketId: event.socketId }),
      });
    }
    ctx.debug?.apiEvent(app.id, channel, event.name, event.data, event.socketId);
    if (isCacheChannel(channel)) {
      cacheWrites ??= [];
      cacheWrites.push(
        ctx.adapter.setCachedEvent(
          app.id,
          channel,
          { event: event.name, data: event.data },
          app.limits.cacheTtlSec,
        ),
      );
    }
  }
  ctx.metrics.apps.of(app.id).apiEvents.inc(event.channels.length);
  if (cacheWrites !== undefined) await Promise.all(cacheWrites);
}

/** The `info` attributes of one channel after a publish: user_count (presence) or subscription_count. */
async function channelInfo(
  ctx: ServerContext,
  app: ResolvedApp,
  channel: string,
  info: ReadonlySet<string>,
): Promise<Record<string, number>> {
  const state = await ctx.adapter.channel(app.id, channel);
  const result: Record<string, number> = {};
  if (channelType(channel) === 'presence') {
    if (info.has('user_count')) result['user_count'] = state?.userCount ?? 0;
  } else if (info.has('subscription_count')) {
    result['subscription_count'] = state?.subscriptionCount ?? 0;
  }
  return result;
}

/** `POST /apps/{id}/events`. */
export async function triggerEvent(ctx: ServerContext, request: ApiRequest): Promise<ApiResponse> {
  const body = parseJsonObject(request.body);
  const event = parseEventInput(body, request.app.limits, '', false);
  await ctx.rateLimiter.enforce(request.app, 'events', event.channels.length);
  assertClusterReachable(ctx.adapter);
  await publishEvent(ctx, request.app, event);
  if (event.info === undefined) return EMPTY_OBJECT;
  const channels: Record<string, Record<string, number>> = {};
  for (const channel of event.channels) {
    channels[channel] = await channelInfo(ctx, request.app, channel, event.info);
  }
  return { status: 200, body: { channels } };
}

/** `POST /apps/{id}/batch_events`: all events are validated before any is published. */
export async function triggerBatch(ctx: ServerContext, request: ApiRequest): Promise<ApiResponse> {
  const body = parseJsonObject(request.body);
  const batch = body['batch'];
  const limit = request.app.limits.maxBatchEvents;
  if (!Array.isArray(batch) || batch.length === 0) {
    throw badRequest('batch must be a non-empty array of events');
  }
  if (batch.length > limit) {
    throw badRequest(`batch has ${batch.length} events; the limit is ${limit}`);
  }
  const events = batch.map((item: unknown, index) =>
    parseEventInput(item, request.app.limits, `batch[${index}]`, true),
  );
  let messages = 0;
  for (const event of events) messages += event.channels.length;
  await ctx.rateLimiter.enforce(request.app, 'events', messages);
  assertClusterReachable(ctx.adapter);
  for (const event of events) await publishEvent(ctx, request.app, event);
  if (events.every((event) => event.info === undefined)) return EMPTY_OBJECT;
  const results: Record<string, number>[] = [];
  for (const event of events) {
    const channel = event.channels[0] as string;
    results.push(
      event.info === undefined ? {} : await channelInfo(ctx, request.app, channel, event.info),
    );
  }
  return { status: 200, body: { batch: results } };
}
