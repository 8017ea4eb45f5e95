/**
 * Type tests for the public client API: options, results, errors, fan-out results, statics.
 */
import { fetch as undiciFetch } from 'undici';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AuthenticationError,
  type BatchTriggerResult,
  type CachedEvent,
  type ChannelAuthResponse,
  type ChannelHandle,
  type ChannelInfo,
  type ChannelsResult,
  type FetchLike,
  type HTTPError,
  Pusher,
  type PusherError,
  type PusherOptions,
  type RateLimitError,
  type RequestError,
  type TimeoutError,
  type TriggerManyResult,
  type TriggerResult,
  type UserAuthResponse,
  type UsersResult,
  type Webhook,
} from '../../src/index';

declare const pusher: Pusher;

describe('Pusher options', () => {
  it('requires appId, key and secret; the rest is optional', () => {
    expectTypeOf<{ appId: string; key: string; secret: string }>().toExtend<PusherOptions>();
    expectTypeOf<{ appId: number; key: string; secret: string }>().toExtend<PusherOptions>();
    expectTypeOf<{ key: string; secret: string }>().not.toExtend<PusherOptions>();
    expectTypeOf<{
      appId: string;
      key: string;
      secret: string;
      useTLS: 'yes';
    }>().not.toExtend<PusherOptions>();
  });

  it('accepts the global fetch and a console-like logger', () => {
    expectTypeOf(globalThis.fetch).toExtend<FetchLike>();
    expectTypeOf(undiciFetch).toExtend<FetchLike>();
    expectTypeOf(console).toExtend<NonNullable<PusherOptions['logger']>>();
    expectTypeOf<{ retry: false }>().toExtend<Pick<PusherOptions, 'retry'>>();
    expectTypeOf<{ retry: { retries: 3; maxRetryAfterMs: 1000 } }>().toExtend<
      Pick<PusherOptions, 'retry'>
    >();
    expectTypeOf<{ limits: { maxEventDataBytes: 20480 } }>().toExtend<
      Pick<PusherOptions, 'limits'>
    >();
  });
});

describe('methods', () => {
  it('publishing returns typed promises', () => {
    expectTypeOf(pusher.trigger('c', 'e', { any: 'thing' })).toEqualTypeOf<
      Promise<TriggerResult>
    >();
    expectTypeOf(
      pusher.trigger(['a', 'b'], 'e', 'text', { socketId: '1.2', info: ['user_count'] }),
    ).toEqualTypeOf<Promise<TriggerResult>>();
    expectTypeOf(pusher.triggerBatch([{ channel: 'c', name: 'e', data: 1 }])).toEqualTypeOf<
      Promise<BatchTriggerResult>
    >();
    expectTypeOf(pusher.triggerMany(['a'], 'e', 1, { concurrency: 2 })).toEqualTypeOf<
      Promise<TriggerManyResult>
    >();
    expectTypeOf(pusher.sendToUser('u', 'e', {})).toEqualTypeOf<Promise<TriggerResult>>();
  });

  it('queries return typed results', () => {
    expectTypeOf(pusher.channels({ prefix: 'presence-' })).toEqualTypeOf<Promise<ChannelsResult>>();
    expectTypeOf(pusher.channelInfo('c')).toEqualTypeOf<Promise<ChannelInfo>>();
    expectTypeOf(pusher.channelUsers('presence-c')).toEqualTypeOf<Promise<UsersResult>>();
    expectTypeOf<ChannelInfo['occupied']>().toEqualTypeOf<boolean>();
    // The REST API's `cache` attribute is exactly { data, ttl }: no event name.
    expectTypeOf<NonNullable<ChannelInfo['cache']>>().toEqualTypeOf<CachedEvent>();
    expectTypeOf<CachedEvent>().toEqualTypeOf<{ readonly data: string; readonly ttl: number }>();
    expectTypeOf(pusher.get<{ n: number }>('/x')).toEqualTypeOf<Promise<{ n: number }>>();
    expectTypeOf(pusher.get('/x')).toEqualTypeOf<Promise<unknown>>();
  });

  it('auth is synchronous', () => {
    expectTypeOf(pusher.authorizeChannel('1.1', 'private-c')).toEqualTypeOf<ChannelAuthResponse>();
    expectTypeOf(
      pusher.authenticate('presence-c', '1.1', { user_id: 'u' }),
    ).toEqualTypeOf<ChannelAuthResponse>();
    expectTypeOf(pusher.authenticateUser('1.1', { id: 'u' })).toEqualTypeOf<UserAuthResponse>();
    expectTypeOf(pusher.channel('c')).toEqualTypeOf<ChannelHandle>();
    expectTypeOf(pusher.webhook({ headers: {}, body: '' })).toEqualTypeOf<Webhook>();
  });

  it('fan-out results narrow on ok', () => {
    const result = {} as TriggerManyResult;
    const chunk = result.chunks[0];
    if (chunk?.ok) expectTypeOf(chunk.result).toEqualTypeOf<TriggerResult>();
    else if (chunk) expectTypeOf(chunk.error).toEqualTypeOf<PusherError>();
  });

  it('the gem-style statics mirror the instance methods', () => {
    expectTypeOf(Pusher.trigger('c', 'e', 1)).toEqualTypeOf<Promise<TriggerResult>>();
    expectTypeOf(Pusher.configure).parameter(0).toEqualTypeOf<PusherOptions>();
    expectTypeOf(Pusher.fromUrl('https://k:s@h/apps/1')).toEqualTypeOf<Pusher>();
    expectTypeOf(Pusher.fromEnv()).toEqualTypeOf<Pusher>();
  });
});

describe('errors', () => {
  it('form one hierarchy with typed fields', () => {
    expectTypeOf<AuthenticationError>().toExtend<RequestError>();
    expectTypeOf<RequestError>().toExtend<PusherError>();
    expectTypeOf<TimeoutError>().toExtend<HTTPError>();
    expectTypeOf<HTTPError>().toExtend<PusherError>();
    expectTypeOf<RequestError['status']>().toEqualTypeOf<number>();
    expectTypeOf<RequestError['headers']>().toEqualTypeOf<Readonly<Record<string, string>>>();
    expectTypeOf<RateLimitError['retryAfterMs']>().toEqualTypeOf<number | undefined>();
  });
});
