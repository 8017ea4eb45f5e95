/**
 * @module client
 * The `Pusher` class: publish events (single, batch, fan-out), query channels, authorize
 * channels and users, send to users, verify webhooks and send native push notifications.
 * Requests are signed, validated before sending (every async method rejects, never throws),
 * retried per the policy and decoded into typed results. Also the gem-style global default
 * client (`Pusher.configure`, `Pusher.trigger`, ...), built lazily from `PUSHER_URL`.
 */
import { authenticateUser } from './auth/authenticate-user';
import { authorizeChannel } from './auth/authorize-channel';
import type {
  AuthContext,
  ChannelAuthResponse,
  PresenceData,
  UserAuthResponse,
  UserData,
} from './auth/types';
import { SERVER_TO_USER_PREFIX, SOCKET_ID_PATTERN, validateChannelName } from './channels/names';
import { ChannelHandle } from './client/channel-handle';
import {
  buildBatchBody,
  buildTriggerBody,
  type EventContext,
  infoParam,
} from './client/event-body';
import {
  chunkChannels,
  chunkEvents,
  type FanOutOptions,
  resolveConcurrency,
  runChunks,
  type TriggerBatchManyResult,
  type TriggerManyResult,
} from './client/fan-out';
import { RestClient } from './client/rest-client';
import { ConfigurationError, ValidationError } from './errors';
import type { Limits } from './limits';
import { validateUserId } from './limits';
import { buildNotificationBody, type NotificationPayload } from './notify/payload';
import {
  type PusherOptions,
  parsePusherUrl,
  type ResolvedOptions,
  resolveOptions,
} from './options';
import { readEnv } from './runtime/env';
import { originOf } from './transport/origin';
import { selectTransport } from './transport/select-transport';
import type { ClosableTransport, Endpoint } from './transport/types';
import type {
  BatchEvent,
  BatchTriggerResult,
  ChannelInfo,
  ChannelInfoOptions,
  ChannelsOptions,
  ChannelsResult,
  QueryParams,
  TriggerOptions,
  TriggerResult,
  UsersResult,
} from './types';
import { webhookFromRequest } from './webhooks/from-request';
import { Webhook, type WebhookContext, type WebhookInput } from './webhooks/webhook';

/** Options of `fromUrl` / `fromEnv`: everything but what the URL carries. */
export type UrlClientOptions = Omit<
  PusherOptions,
  'appId' | 'key' | 'secret' | 'host' | 'useTLS' | 'encrypted'
>;

/** Environment variable read by `Pusher.fromEnv()` and the global default client. */
export const DEFAULT_URL_VARIABLE = 'PUSHER_URL';

const PATH_PATTERN = /^\/[^\s?#]*$/;
const NOTIFICATION_PATH_PREFIX = '/server_api/v1/apps/';

function validatePath(path: unknown): string {
  if (typeof path !== 'string' || !PATH_PATTERN.test(path)) {
    throw new ValidationError(
      'path',
      "path must start with '/' and contain no spaces, '?' or '#' (it is appended to /apps/{appId})",
    );
  }
  return path;
}

function queryParams(params: QueryParams | undefined): Record<string, string> | undefined {
  if (params === undefined) return undefined;
  if (typeof params !== 'object' || params === null) {
    throw new ValidationError(
      'params',
      'params must be an object of string, number or boolean values',
    );
  }
  const out: Record<string, string> = {};
  for (const name of Object.keys(params)) {
    const value: unknown = params[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new ValidationError(
        `params.${name}`,
        `params.${name} must be a string, number or boolean`,
      );
    }
    out[name] = String(value);
  }
  return out;
}

/** A client for one Pusher Channels app. Create one and reuse it: it keeps connections alive. */
export class Pusher {
  readonly #options: ResolvedOptions;
  readonly #transport: ClosableTransport;
  readonly #rest: RestClient;
  readonly #authContext: AuthContext;
  readonly #webhookContext: WebhookContext;
  readonly #eventContext: EventContext;
  #notifyTransport: ClosableTransport | undefined;
  #notifyRest: RestClient | undefined;

  constructor(options: PusherOptions) {
    const resolved = resolveOptions(options);
    this.#options = resolved;
    this.#transport = this.#createTransport(resolved.endpoint);
    this.#rest = this.#createRestClient(
      this.#transport,
      resolved.endpoint,
      `/apps/${resolved.appId}`,
    );
    const masterKey = resolved.masterKey === undefined ? {} : { masterKey: resolved.masterKey };
    this.#authContext = {
      key: resolved.key,
      secret: resolved.secret,
      limits: resolved.limits,
      ...masterKey,
    };
    this.#webhookContext = { key: resolved.key, secret: resolved.secret, ...masterKey };
    this.#eventContext = { limits: resolved.limits, masterKey: resolved.masterKey };
  }

  /** A client from `http(s)://KEY:SECRET@host[:port]/apps/APP_ID`, plus other options. */
  static fromUrl(url: string, options: UrlClientOptions = {}): Pusher {
    return new Pusher({
      ...options,
      ...parsePusherUrl(url),
      ...(options.port === undefined ? {} : { port: options.port }),
    });
  }

  /** A client from the URL in environment variable `variable` (default `PUSHER_URL`). */
  static fromEnv(variable: string = DEFAULT_URL_VARIABLE, options: UrlClientOptions = {}): Pusher {
    const url = readEnv(variable);
    if (url === undefined || url === '') {
      throw new ConfigurationError(
        variable,
        `Environment variable ${variable} is not set (expected https://KEY:SECRET@host/apps/APP_ID)`,
      );
    }
    return new Pusher({
      ...options,
      ...parsePusherUrl(url, variable),
      ...(options.port === undefined ? {} : { port: options.port }),
    });
  }

  /** The app id. */
  get appId(): string {
    return this.#options.appId;
  }

  /** The app key (public). */
  get key(): string {
    return this.#options.key;
  }

  /** The limits checked before each request. */
  get limits(): Limits {
    return this.#options.limits;
  }

  /** Base URL of the REST API (no credentials). */
  get baseUrl(): string {
    return `${originOf(this.#options.endpoint)}/apps/${this.#options.appId}`;
  }

  /**
   * Triggers `event` on one channel or up to `limits.maxChannelsPerTrigger` channels.
   * `data` is sent as is when a string, JSON-encoded otherwise; on a `private-encrypted-*` channel
   * that string is encrypted (strings are NOT JSON-encoded first, unlike the official Node SDK).
   */
  async trigger(
    channels: string | readonly string[],
    event: string,
    data: unknown,
    options?: TriggerOptions,
  ): Promise<TriggerResult> {
    const body = buildTriggerBody(channels, event, data, options, this.#eventContext);
    return this.#rest.send<TriggerResult>({ method: 'POST', path: '/events', body });
  }

  /** Triggers up to `limits.maxBatchEvents` events in one request. */
  async triggerBatch(events: readonly BatchEvent[]): Promise<BatchTriggerResult> {
    const body = buildBatchBody(events, this.#eventContext);
    return this.#rest.send<BatchTriggerResult>({ method: 'POST', path: '/batch_events', body });
  }

  /**
   * Triggers `event` on any number of channels: split into API-sized requests (encrypted
   * channels one per request), sent `concurrency` at a time. Everything is validated before the
   * first request; the result reports each request's success or failure.
   */
  async triggerMany(
    channels: readonly string[],
    event: string,
    data: unknown,
    options?: TriggerOptions & FanOutOptions,
  ): Promise<TriggerManyResult> {
    const concurrency = resolveConcurrency(options);
    const triggerOptions: TriggerOptions = {
      ...(options?.socketId === undefined ? {} : { socketId: options.socketId }),
      ...(options?.info === undefined ? {} : { info: options.info }),
    };
    const prepared = chunkChannels(channels, this.#options.limits).map((items) => ({
      items,
      body: buildTriggerBody(items, event, data, triggerOptions, this.#eventContext),
    }));
    return runChunks(prepared, concurrency, (body) =>
      this.#rest.send<TriggerResult>({ method: 'POST', path: '/events', body }),
    );
  }

  /** Sends any number of batch events in batch-sized requests; reports each request's outcome. */
  async triggerBatchMany(
    events: readonly BatchEvent[],
    options?: FanOutOptions,
  ): Promise<TriggerBatchManyResult> {
    const concurrency = resolveConcurrency(options);
    let first = 0;
    const prepared = chunkEvents(events, this.#options.limits).map((items) => {
      const body = buildBatchBody(items, this.#eventContext, first);
      first += items.length;
      return { items, body };
    });
    return runChunks(prepared, concurrency, (body) =>
      this.#rest.send<BatchTriggerResult>({ method: 'POST', path: '/batch_events', body }),
    );
  }

  /** GET /channels: occupied channels, optionally filtered by prefix. */
  async channels(options: ChannelsOptions = {}): Promise<ChannelsResult> {
    const params: Record<string, string> = {};
    if (options.prefix !== undefined) {
      if (typeof options.prefix !== 'string' || options.prefix === '') {
        throw new ValidationError('prefix', 'prefix must be a non-empty string');
      }
      params['filter_by_prefix'] = options.prefix;
    }
    const info = infoParam(options.info);
    if (info !== undefined) params['info'] = info;
    return this.#rest.send<ChannelsResult>({ method: 'GET', path: '/channels', params });
  }

  /** GET /channels/:name: whether the channel is occupied, and the attributes asked for. */
  async channelInfo(channel: string, options: ChannelInfoOptions = {}): Promise<ChannelInfo> {
    validateChannelName(channel, this.#options.limits.maxChannelNameLength);
    const info = infoParam(options.info);
    const params = info === undefined ? {} : { info };
    return this.#rest.send<ChannelInfo>({ method: 'GET', path: `/channels/${channel}`, params });
  }

  /** GET /channels/:name/users: the users of a presence channel. */
  async channelUsers(channel: string): Promise<UsersResult> {
    validateChannelName(channel, this.#options.limits.maxChannelNameLength);
    return this.#rest.send<UsersResult>({ method: 'GET', path: `/channels/${channel}/users` });
  }

  /** A signed GET of any API path after `/apps/{appId}` (parameters in the query). */
  async get<T = unknown>(path: string, params?: QueryParams): Promise<T> {
    const query = queryParams(params);
    return this.#rest.send<T>({
      method: 'GET',
      path: validatePath(path),
      ...(query === undefined ? {} : { params: query }),
    });
  }

  /** A signed POST of any API path after `/apps/{appId}` (`body` sent as JSON). */
  async post<T = unknown>(path: string, body: object = {}): Promise<T> {
    validatePath(path);
    if (typeof body !== 'object' || body === null) {
      throw new ValidationError('body', 'body must be an object or an array (it is sent as JSON)');
    }
    return this.#rest.send<T>({ method: 'POST', path, body: JSON.stringify(body) });
  }

  /** A handle bound to one channel: `trigger`, `info`, `users`, `authorize`. */
  channel(name: string): ChannelHandle {
    validateChannelName(name, this.#options.limits.maxChannelNameLength);
    return new ChannelHandle(this, name);
  }

  /**
   * The response for a private, presence or encrypted channel subscription (synchronous). A
   * presence `user_info` over `limits.maxPresenceUserInfoBytes` bytes of JSON (1,024 by default,
   * the server's limit) throws a ValidationError.
   */
  authorizeChannel(
    socketId: string,
    channel: string,
    presenceData?: PresenceData | string,
  ): ChannelAuthResponse {
    return authorizeChannel(this.#authContext, socketId, channel, presenceData);
  }

  /**
   * The Ruby gem's name for `authorizeChannel`, in the gem's argument order: channel first. The
   * official Node SDK's deprecated `authenticate(socketId, channel)` takes them the other way
   * round; a call in that order is refused with a ValidationError that says so.
   * @deprecated Use `authorizeChannel(socketId, channel, presenceData)`.
   */
  authenticate(
    channel: string,
    socketId: string,
    presenceData?: PresenceData | string,
  ): ChannelAuthResponse {
    if (SOCKET_ID_PATTERN.test(channel) && !SOCKET_ID_PATTERN.test(socketId)) {
      throw new ValidationError(
        'socketId',
        "authenticate(channel, socketId) takes the channel first (the Ruby gem's order); these " +
          "arguments look like the official Node SDK's (socketId, channel): use " +
          'authorizeChannel(socketId, channel) instead',
      );
    }
    return authorizeChannel(this.#authContext, socketId, channel, presenceData);
  }

  /** The response for a user sign-in (synchronous). */
  authenticateUser(socketId: string, userData: UserData): UserAuthResponse {
    return authenticateUser(this.#authContext, socketId, userData);
  }

  /** Sends `event` to every connection signed in as `userId` (`#server-to-user-<id>`). */
  async sendToUser(userId: string, event: string, data: unknown): Promise<TriggerResult> {
    validateUserId(userId, this.#options.limits);
    const channel = `${SERVER_TO_USER_PREFIX}${userId}`;
    const body = buildTriggerBody(channel, event, data, undefined, this.#eventContext);
    return this.#rest.send<TriggerResult>({ method: 'POST', path: '/events', body });
  }

  /** Closes every connection of `userId`. */
  async terminateUserConnections(userId: string): Promise<Record<string, never>> {
    validateUserId(userId, this.#options.limits);
    return this.#rest.send({
      method: 'POST',
      path: `/users/${userId}/terminate_connections`,
      body: '{}',
    });
  }

  /**
   * A received webhook from its headers and raw body; call `isValid()` before trusting it, with
   * `{ maxAgeMs }` to refuse replays: `hook.isValid(undefined, { maxAgeMs: 10 * 60_000 })`.
   */
  webhook(input: WebhookInput): Webhook {
    return new Webhook(input, this.#webhookContext);
  }

  /**
   * A received webhook from a Fetch API `Request` (reads the raw body); verify it with
   * `isValid(undefined, { maxAgeMs })` as for `webhook()`.
   */
  async webhookFromRequest(request: Request): Promise<Webhook> {
    return webhookFromRequest(request, this.#webhookContext);
  }

  /**
   * Sends a native push notification (Ruby gem v1.2.0.rc2): POST
   * `{notificationScheme}://{notificationHost}/server_api/v1/apps/{appId}/notifications`.
   */
  async notify(
    interests: string | readonly string[],
    payload: NotificationPayload,
  ): Promise<unknown> {
    const body = buildNotificationBody(interests, payload);
    return this.#notifyClient().send<unknown>({ method: 'POST', path: '/notifications', body });
  }

  /** Closes idle kept-alive connections (the client stays usable). */
  close(): void {
    this.#transport.close();
    this.#notifyTransport?.close();
  }

  #createTransport(endpoint: Endpoint): ClosableTransport {
    return selectTransport({
      endpoint,
      fetch: this.#options.fetch,
      proxy: this.#options.proxy,
      ca: this.#options.ca,
      maxResponseBodyBytes: this.#options.maxResponseBodyBytes,
    });
  }

  #createRestClient(
    transport: ClosableTransport,
    endpoint: Endpoint,
    pathPrefix: string,
  ): RestClient {
    const o = this.#options;
    return new RestClient({
      key: o.key,
      secret: o.secret,
      pathPrefix,
      origin: originOf(endpoint),
      transport: transport.send,
      transportKind: () => transport.kind,
      timeoutMs: o.timeoutMs,
      retry: o.retry,
      logger: o.logger,
      now: o.now,
    });
  }

  #notifyClient(): RestClient {
    if (!this.#notifyRest) {
      this.#notifyTransport = this.#createTransport(this.#options.notificationEndpoint);
      this.#notifyRest = this.#createRestClient(
        this.#notifyTransport,
        this.#options.notificationEndpoint,
        `${NOTIFICATION_PATH_PREFIX}${this.#options.appId}`,
      );
    }
    return this.#notifyRest;
  }

  // ---- Global default client (gem style) ----

  static #defaultClient: Pusher | undefined;

  /** Sets the global default client used by the static methods (`Pusher.trigger(...)`). */
  static configure(options: PusherOptions): Pusher {
    const client = new Pusher(options);
    Pusher.#defaultClient?.close();
    Pusher.#defaultClient = client;
    return client;
  }

  /** The global default client: the configured one, else built from `PUSHER_URL` on first use. */
  static get defaultClient(): Pusher {
    Pusher.#defaultClient ??= Pusher.fromEnv();
    return Pusher.#defaultClient;
  }

  /** Forgets the global default client (it is rebuilt on next use). */
  static resetDefaultClient(): void {
    Pusher.#defaultClient?.close();
    Pusher.#defaultClient = undefined;
  }

  static async trigger(
    channels: string | readonly string[],
    event: string,
    data: unknown,
    options?: TriggerOptions,
  ): Promise<TriggerResult> {
    return Pusher.defaultClient.trigger(channels, event, data, options);
  }

  static async triggerBatch(events: readonly BatchEvent[]): Promise<BatchTriggerResult> {
    return Pusher.defaultClient.triggerBatch(events);
  }

  static async triggerMany(
    channels: readonly string[],
    event: string,
    data: unknown,
    options?: TriggerOptions & FanOutOptions,
  ): Promise<TriggerManyResult> {
    return Pusher.defaultClient.triggerMany(channels, event, data, options);
  }

  static async triggerBatchMany(
    events: readonly BatchEvent[],
    options?: FanOutOptions,
  ): Promise<TriggerBatchManyResult> {
    return Pusher.defaultClient.triggerBatchMany(events, options);
  }

  static async channels(options?: ChannelsOptions): Promise<ChannelsResult> {
    return Pusher.defaultClient.channels(options);
  }

  static async channelInfo(channel: string, options?: ChannelInfoOptions): Promise<ChannelInfo> {
    return Pusher.defaultClient.channelInfo(channel, options);
  }

  static async channelUsers(channel: string): Promise<UsersResult> {
    return Pusher.defaultClient.channelUsers(channel);
  }

  static async get<T = unknown>(path: string, params?: QueryParams): Promise<T> {
    return Pusher.defaultClient.get<T>(path, params);
  }

  static async post<T = unknown>(path: string, body?: object): Promise<T> {
    return Pusher.defaultClient.post<T>(path, body);
  }

  static channel(name: string): ChannelHandle {
    return Pusher.defaultClient.channel(name);
  }

  static authorizeChannel(
    socketId: string,
    channel: string,
    presenceData?: PresenceData | string,
  ): ChannelAuthResponse {
    return Pusher.defaultClient.authorizeChannel(socketId, channel, presenceData);
  }

  /** @deprecated Use `Pusher.authorizeChannel(socketId, channel, presenceData)`. */
  static authenticate(
    channel: string,
    socketId: string,
    presenceData?: PresenceData | string,
  ): ChannelAuthResponse {
    return Pusher.defaultClient.authenticate(channel, socketId, presenceData);
  }

  static authenticateUser(socketId: string, userData: UserData): UserAuthResponse {
    return Pusher.defaultClient.authenticateUser(socketId, userData);
  }

  static async sendToUser(userId: string, event: string, data: unknown): Promise<TriggerResult> {
    return Pusher.defaultClient.sendToUser(userId, event, data);
  }

  static async terminateUserConnections(userId: string): Promise<Record<string, never>> {
    return Pusher.defaultClient.terminateUserConnections(userId);
  }

  static webhook(input: WebhookInput): Webhook {
    return Pusher.defaultClient.webhook(input);
  }

  static async webhookFromRequest(request: Request): Promise<Webhook> {
    return Pusher.defaultClient.webhookFromRequest(request);
  }

  static async notify(
    interests: string | readonly string[],
    payload: NotificationPayload,
  ): Promise<unknown> {
    return Pusher.defaultClient.notify(interests, payload);
  }
}
