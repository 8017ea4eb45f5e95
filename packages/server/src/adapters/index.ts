/**
 * @module adapters
 * The adapter contract and the in-process default adapter. The Redis adapter has its own entry
 * point (`@pushwire/server/adapters/redis`) so that ioredis stays an optional peer dependency.
 */
export type {
  Adapter,
  AdapterHandlers,
  AdapterHealth,
  CachedEvent,
  ChannelMessage,
  ChannelState,
  ClusterChange,
  MemberChange,
  MemberLimitReached,
  MemberLimits,
  PresenceMember,
  RateLimitKind,
  RateQuota,
  SubscriptionChange,
} from './adapter';
export { isMemberLimitReached } from './adapter';
export { AdapterUsageError } from './adapter-errors';
export type { Clock } from './local/expiring-store';
export { LocalAdapter, type LocalAdapterOptions } from './local/local-adapter';
