/**
 * @module @pushwire/sdk
 * The public surface of the SDK. Named exports only.
 */
// biome-ignore-all assist/source/organizeImports: the exports are grouped by section, each under its comment

// The client
export { DEFAULT_URL_VARIABLE, Pusher, type UrlClientOptions } from './client';
export { ChannelHandle } from './client/channel-handle';
export {
  type ChunkOutcome,
  DEFAULT_FAN_OUT_CONCURRENCY,
  type FanOutOptions,
  type FanOutResult,
  type TriggerBatchManyResult,
  type TriggerManyResult,
} from './client/fan-out';
export {
  DEFAULT_CLUSTER,
  DEFAULT_NOTIFICATION_HOST,
  DEFAULT_TIMEOUT_MS,
  type Logger,
  type PusherOptions,
  parsePusherUrl,
} from './options';
export type {
  BatchEvent,
  BatchTriggerResult,
  CachedEvent,
  ChannelAttributes,
  ChannelInfo,
  ChannelInfoOptions,
  ChannelsOptions,
  ChannelsResult,
  InfoAttribute,
  InfoOption,
  QueryParams,
  TriggerOptions,
  TriggerResult,
  UsersResult,
} from './types';
export { LIBRARY_HEADER_VALUE, VERSION } from './version';

// Errors
export {
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  ForbiddenError,
  HTTPError,
  type HTTPErrorInit,
  NoResponseError,
  type NoResponseErrorInit,
  isPusherError,
  NotFoundError,
  PayloadTooLargeError,
  PusherError,
  RateLimitError,
  RequestError,
  ResponseTooLargeError,
  ServerError,
  TimeoutError,
  ValidationError,
} from './errors';

// Auth, webhooks, encryption, native push
export type {
  AuthContext,
  ChannelAuthResponse,
  PresenceData,
  UserAuthResponse,
  UserData,
} from './auth/types';
export {
  type CacheMissEvent,
  type ChannelOccupiedEvent,
  type ChannelVacatedEvent,
  type ClientEvent,
  type MemberAddedEvent,
  type MemberRemovedEvent,
  type SubscriptionCountEvent,
  type UnknownWebhookEvent,
  Webhook,
  type WebhookContext,
  WebhookError,
  type WebhookErrorReason,
  type WebhookEvent,
  type WebhookEventName,
  type WebhookInput,
  type WebhookPayload,
  type WebhookToken,
  type WebhookVerifyOptions,
  webhookFromRequest,
} from './webhooks';
export {
  DecryptionError,
  decryptData,
  encryptData,
  MASTER_KEY_BYTES,
  parseMasterKey,
} from './encryption';
export {
  buildNotificationBody,
  checkNotificationBody,
  type GcmNotification,
  type GcmPayload,
  type NotificationPayload,
} from './notify/payload';

// Limits
export {
  DEFAULT_LIMITS,
  type Limits,
  RELAXED_LIMITS,
  resolveLimits,
  utf8ByteLength,
  validateBatchSize,
  validateChannelCount,
  validateDataSize,
  validateEventName,
  validateUserId,
  validateUserInfoSize,
} from './limits';

// Transport and retries
export type { FetchInit, FetchLike, FetchResponseLike } from './transport/fetch-transport';
export {
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RETRIES,
  DEFAULT_RETRY_MAX_DELAY_MS,
  DEFAULT_RETRY_MIN_DELAY_MS,
  type RetryOption,
  type RetryOptions,
} from './transport/retry';

// Low-level API (stable; the server depends on it)
export {
  CHANNEL_NAME_PATTERN,
  type ChannelNameProblem,
  type ChannelNameRules,
  type ChannelType,
  channelType,
  type InvalidChannelName,
  isCacheChannel,
  type ParsedChannelName,
  parseChannelName,
  SERVER_TO_USER_PREFIX,
  SOCKET_ID_PATTERN,
  serverToUserId,
  validateChannelName,
  validateSocketId,
} from './channels';
export {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  hmacSha256Hex,
  md5Hex,
  randomBytes,
  sha256,
  timingSafeEqual,
  utf8Decode,
  utf8Encode,
} from './crypto';
export {
  AUTH_VERSION,
  type ChannelAuthInput,
  canonicalQuery,
  channelAuthSignature,
  RESERVED_QUERY_KEYS,
  type SignRequestInput,
  sharedSecretFor,
  signRequest,
  stringToSign,
  type UserAuthInput,
  userAuthSignature,
} from './signing';
