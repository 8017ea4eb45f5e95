/**
 * @module server
 * The server object: `createServer()` wires the options, apps, adapter, webhooks, metrics, the REST
 * handler and the WebSocket gateway, and gives them an explicit lifecycle. The adapter is resolved
 * and started before the server accepts traffic, and the parts that use it are made then: with
 * `redisUrl` and no `adapter`, the Redis adapter is loaded at that point (ioredis stays optional).
 * `listen()` binds a transport of its own (port 0 allowed): Bun.serve's native WebSockets under
 * Bun, a node:http server with `ws` otherwise (`transport` forces either); `attach()` shares an
 * existing node:http server. With `tls`, `listen()` serves HTTPS and WSS on its port, and
 * `reloadTls()` re-reads the certificate files for new connections without closing open ones.
 * With `metrics.port`, `/metrics` is served on a listener of its own, closed last.
 * `close()` is idempotent and graceful: stop accepting, 4200 to every socket, drain HTTP, flush
 * webhooks, close the adapter, all within `shutdownTimeoutMs`.
 */

import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Adapter } from './adapters/adapter';
import { loadRedisAdapter } from './adapters/load-redis-adapter';
import { LocalAdapter } from './adapters/local/local-adapter';
import { UNLOADED_ADAPTER } from './adapters/unloaded-adapter';
import { type AppStore, createAppStore, type ReplaceableAppStore } from './apps/app-store';
import { type AppsChange, ServedApps } from './apps/served-apps';
import { SubscriptionCountNotifier } from './channels/subscription-count';
import { DebugFeed } from './console/debug-feed';
import { handlersWithDebug } from './console/debug-handlers';
import { isLoopbackAddress } from './console/loopback';
import { LocalRegistry } from './core/local-registry';
import type { ServerContext } from './core/server-context';
import { ConsoleHttp } from './http/console-http';
import type { HttpAnswer } from './http/exchange';
import { createHttpApi, type HttpApi } from './http/handler';
import { RestRateLimiter } from './http/rest-rate-limiter';
import { ConnectionLimiter } from './net/connection-limiter';
import { TrustedProxies } from './net/trusted-proxies';
import { createLogger, type Logger } from './observability/logger';
import { Metrics } from './observability/metrics';
import { ProcessMetrics } from './observability/process-metrics';
import {
  type AppOptions,
  type ResolvedServerOptions,
  resolveServerOptions,
  ServerConfigError,
  type ServerOptions,
  type TransportChoice,
} from './options';
import { ServerStateError } from './server-error';
import { type BunRuntime, bunRuntime } from './transports/bun/bun-api';
import { BunBinding } from './transports/bun/bun-binding';
import { MetricsListener } from './transports/metrics-listener';
import { nodeRequestListener } from './transports/node/http-listener';
import { createOwnHttpServer, NodeBinding, type NodeServer } from './transports/node/node-binding';
import type { BoundAddress, ServerTransport, TransportHooks } from './transports/server-transport';
import { loadTlsMaterial } from './transports/tls-material';
import { WebhookDispatcher } from './webhooks/dispatcher';
import { WsGateway } from './ws/gateway';

/** Deadline for a connection to sign in or join a private channel (`requireUserAuthentication`). */
export { DEFAULT_USER_AUTHENTICATION_TIMEOUT_MS } from './options/defaults';

const MS_PER_SECOND = 1000;

/** Where the server listens. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  /**
   * `http://host:port` (`https://` with TLS): the REST base URL; WebSocket clients use
   * `ws://host:port/app/{key}` (`wss://` with TLS).
   */
  readonly url: string;
  /** True when the server serves HTTPS and WSS (the `tls` option). */
  readonly tls: boolean;
}

/**
 * Timing overrides in milliseconds, finer than the second-granular options. Meant for tests and
 * embedding; each defaults to the corresponding option.
 */
export interface ServerTimingOverrides {
  /** Silence before the server sends `pusher:ping`. @default activityTimeoutSec × 1000 */
  readonly activityTimeoutMs?: number;
  /** Wait for any frame after our ping before closing with 4201. @default pongTimeoutSec × 1000 */
  readonly pongTimeoutMs?: number;
  /** `requireUserAuthentication` deadline. @default 30000 */
  readonly userAuthenticationTimeoutMs?: number;
}

/** Options of {@link PushwireServer.attach}. */
export interface AttachOptions {
  /** Answer every `request` of the HTTP server (REST, health, metrics). @default true */
  readonly rest?: boolean;
}

type Lifecycle = 'idle' | 'running' | 'closing' | 'closed';

/** The parts made once the adapter is resolved: they hold the adapter itself. */
interface Started {
  readonly adapter: Adapter;
  readonly gateway: WsGateway;
  readonly http: HttpApi;
  readonly subscriptionCounts: SubscriptionCountNotifier;
}

/** What a request gets while the adapter is being resolved and started. */
const STARTING_BODY = JSON.stringify({ error: 'Server is starting' });
const STARTING_ANSWER: HttpAnswer = {
  status: 503,
  headers: {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(STARTING_BODY),
  },
  body: STARTING_BODY,
  closeConnection: false,
};

/** A Pusher-protocol server. Create it with {@link createServer}. */
export class PushwireServer {
  readonly #options: ResolvedServerOptions;
  readonly #apps: ReplaceableAppStore;
  /** What the default logger scrubs: the served apps' secrets and the TLS passphrase. */
  #secrets: readonly string[] = [];
  readonly #served: ServedApps;
  /** Known at construction unless it is loaded from `redisUrl` when the server starts. */
  #adapter: Adapter | undefined;
  /** Set once the adapter is resolved and started. */
  #running: Started | undefined;
  readonly #metrics: Metrics;
  readonly #processMetrics: ProcessMetrics;
  #metricsListener: Promise<MetricsListener | undefined> | undefined;
  #metricsAddress: ServerAddress | undefined;
  readonly #logger: Logger;
  readonly #webhooks: WebhookDispatcher;
  readonly #limiter: ConnectionLimiter;
  readonly #timing: ServerTimingOverrides;
  /** Serves requests: the started server's REST handler, 503 until it exists. */
  readonly #httpApi: HttpApi;
  readonly #debug: DebugFeed;
  readonly #console: ConsoleHttp;
  readonly #handleRequest: (req: IncomingMessage, res: ServerResponse) => void;
  #state: Lifecycle = 'idle';
  /** What listen() or attach() serves once started: set at the call, so a second call is refused. */
  #claimed: 'listen' | HttpServer | undefined;
  #attached: Promise<void> | undefined;
  #started: Promise<Started> | undefined;
  #closing: Promise<void> | undefined;
  #transport: ServerTransport | undefined;
  #transportName: 'node' | 'bun' | undefined;
  #address: ServerAddress | undefined;

  constructor(options: ServerOptions = {}, timing: ServerTimingOverrides = {}) {
    this.#options = withLiveSecrets(resolveServerOptions(options), options, () => this.#secrets);
    this.#secrets = secretsOf(this.#options.apps, this.#options);
    this.#apps = createAppStore(this.#options.apps);
    this.#metrics = new Metrics({ appIds: this.#options.apps.map((app) => app.id) });
    this.#processMetrics = new ProcessMetrics(this.#metrics);
    this.#logger = this.#options.logger;
    this.#adapter = this.#options.adapter ?? knownAdapter(this.#options);
    this.#timing = timing;
    const debug = new DebugFeed(() => this.#nodeId());
    this.#debug = debug;
    this.#console = new ConsoleHttp(debug, () => {
      const address = this.#address;
      return address !== undefined && isLoopbackAddress(address.host);
    });
    this.#webhooks = new WebhookDispatcher({
      onAttempt: (report) => debug.webhookSent(report),
      logger: this.#logger,
      metrics: this.#metrics,
      batchMs: this.#options.webhookBatchMs,
      maxQueuedBytes: this.#options.webhookMaxQueuedBytes,
      maxQueuedBytesPerApp: this.#options.webhookMaxQueuedBytesPerApp,
      maxQueuedBytesPerTarget: this.#options.webhookMaxQueuedBytesPerTarget,
      maxQueuedEventsPerTarget: this.#options.webhookMaxQueuedEventsPerTarget,
      concurrencyPerTarget: this.#options.webhookConcurrencyPerTarget,
      requestTimeoutMs: this.#options.webhookRequestTimeoutMs,
      appCount: Math.max(1, this.#options.apps.filter((app) => app.webhooks.length > 0).length),
    });
    this.#limiter = new ConnectionLimiter(
      this.#options,
      new TrustedProxies(this.#options.trustedProxies),
    );
    this.#httpApi = (request, respond) => {
      const running = this.#running;
      if (running !== undefined) {
        running.http(request, respond);
        return;
      }
      request.discardBody();
      respond(STARTING_ANSWER);
    };
    this.#handleRequest = nodeRequestListener(this.#httpApi);
    this.#served = new ServedApps({
      options: this.#options,
      store: this.#apps,
      logger: this.#logger,
      onChanged: (change, apps) => {
        this.#secrets = secretsOf(apps.all(), this.#options);
        this.#metrics.apps.track(apps.all().map((app) => app.id));
        this.#running?.gateway.appsReplaced(change);
      },
    });
  }

  /** The configured apps. */
  get apps(): AppStore {
    return this.#apps;
  }

  /** Prometheus metrics of this node (`metrics.render()`). */
  get metrics(): Metrics {
    return this.#metrics;
  }

  /**
   * The cluster adapter in use. With `redisUrl` (and no `adapter`) this is the RedisAdapter once
   * `listen()`/`attach()` loaded it, and before that a stand-in that reports "not started".
   */
  get adapter(): Adapter {
    return this.#adapter ?? UNLOADED_ADAPTER;
  }

  /** Resolved options (secrets included: do not log this object). */
  get options(): ResolvedServerOptions {
    return this.#options;
  }

  /** Open WebSocket connections on this node. */
  get connectionCount(): number {
    return this.#running?.gateway.connectionCount ?? 0;
  }

  /**
   * What carries the server once it listens or is attached: `'node'` (node:http + `ws`) or
   * `'bun'` (Bun.serve's native WebSockets); undefined before.
   */
  get transport(): 'node' | 'bun' | undefined {
    return this.#transportName;
  }

  /**
   * The path of the debug console (`/console`, after `pathPrefix`) when this server serves it,
   * else undefined. Known once the server listens (the default depends on a loopback bind).
   */
  consolePath(): string | undefined {
    const served = this.#console.available({ options: this.#options, apps: this.#apps });
    return served ? `${this.#options.pathPrefix}/console` : undefined;
  }

  /** The bound address after `listen()`, otherwise undefined. */
  address(): ServerAddress | undefined {
    return this.#address;
  }

  /**
   * The address of the metrics listener (`metrics.port`) once `listen()` or `attach()` started it
   * (`url` ends without `/metrics`); undefined when `/metrics` is on the main port or disabled.
   */
  metricsAddress(): ServerAddress | undefined {
    return this.#metricsAddress;
  }

  /**
   * Starts the adapter and listens on `host:port` (port 0 picks a free port).
   * @returns the bound address.
   */
  async listen(): Promise<ServerAddress> {
    if (this.#state === 'closing' || this.#state === 'closed') {
      throw new ServerStateError('The server is closed');
    }
    if (this.#claimed !== undefined)
      throw new ServerStateError('The server is already listening or attached');
    const bun = chosenBunRuntime(this.#options.transport);
    // The certificate files are read and checked before anything binds.
    const tls = this.#options.tls === undefined ? undefined : loadTlsMaterial(this.#options.tls);
    this.#claimed = 'listen';
    // The adapter is resolved and started before anything binds: no request waits for it.
    const started = this.#stillOpen(await this.#start());
    if (bun !== undefined) {
      const binding = new BunBinding(bun, this.#transportHooks(started), tls);
      this.#transport = binding;
      this.#transportName = 'bun';
      await this.#startMetricsListener();
      return this.#listening(binding.address);
    }
    const server = createOwnHttpServer(this.#options.requestTimeoutMs, tls);
    const binding = this.#bind(started, server, true, true);
    const { host, port } = this.#options;
    const bound = await binding.listen(host, port);
    await this.#startMetricsListener();
    return this.#listening(bound);
  }

  /**
   * Serves WebSocket traffic (`upgrade`) and, unless `rest: false`, every HTTP request (`request`)
   * of an existing node:http server, which the caller listens on and closes. With `rest: false`,
   * route pushwire's paths to {@link handleRequest} yourself (e.g. from Express). Every accepted
   * socket is counted against `maxConnectionsPerIp` (`connection`). The listeners are added once
   * the adapter is resolved and started, then this resolves; until then {@link handleRequest}
   * answers 503.
   */
  async attach(httpServer: HttpServer, options: AttachOptions = {}): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') {
      throw new ServerStateError('The server is closed');
    }
    if (this.#claimed !== undefined && this.#claimed !== httpServer) {
      throw new ServerStateError('The server is already listening or attached');
    }
    if (this.#options.tls !== undefined) {
      throw new ServerConfigError(
        'tls',
        'applies to listen() only: attach() serves the server it is given (give it a node:https server instead)',
      );
    }
    if (this.#claimed === undefined) {
      this.#claimed = httpServer;
      const rest = options.rest !== false;
      this.#attached = this.#start().then((started) => {
        this.#bind(this.#stillOpen(started), httpServer, false, rest);
      });
    }
    await this.#attached;
    await this.#startMetricsListener();
  }

  /** Binds the metrics port when `metrics.port` is set (once; a failure rejects listen/attach). */
  async #startMetricsListener(): Promise<void> {
    const { enabled, host, port } = this.#options.metrics;
    if (!enabled || host === undefined || port === undefined) return;
    const { adapter } = this.#stillOpen(await this.#start());
    this.#metricsListener ??= MetricsListener.listen(
      { metrics: this.#metrics, adapter, processMetrics: this.#processMetrics },
      host,
      port,
      this.#options.pathPrefix,
      this.#options.requestTimeoutMs,
    );
    const listener = await this.#metricsListener;
    if (listener === undefined || this.#metricsAddress !== undefined) return;
    const bound = listener.address;
    const urlHost = bound.ipv6 ? `[${bound.host}]` : bound.host;
    this.#metricsAddress = {
      host: bound.host,
      port: bound.port,
      url: `http://${urlHost}:${bound.port}`,
      tls: false,
    };
    this.#logger.info('metrics listening', { url: `${this.#metricsAddress.url}/metrics` });
  }

  /**
   * Answers one HTTP request: the REST API, `/`, `/health`, `/ready`, `/metrics` (see the README).
   * Use it to mount pushwire inside another HTTP framework.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    this.#handleRequest(req, res);
  }

  /**
   * Re-reads the `tls` files (certificate, key, CA chain) and serves new connections with them;
   * open connections keep going on the old certificate. The CLI calls this on SIGHUP.
   * @throws {ServerConfigError} when a file is missing or wrong: the old certificate stays in use.
   * @throws {Error} when the server is not listening with `tls`.
   */
  reloadTls(): void {
    const tls = this.#options.tls;
    if (tls === undefined) {
      throw new ServerConfigError('tls', 'is not set: there is no certificate to reload');
    }
    const transport = this.#transport;
    if (transport === undefined || this.#state === 'closing' || this.#state === 'closed') {
      throw new Error('The server is not listening');
    }
    transport.reloadTls(loadTlsMaterial(tls));
    this.#logger.info('TLS certificate reloaded', { cert: tls.cert, key: tls.key });
  }

  /**
   * Serves `apps` in place of the configured apps (validated like the `apps` option; undefined:
   * the development app), without a restart. Added apps are served at once; a changed secret, key,
   * limit or webhook applies to new requests, connections and subscriptions; open connections of
   * a removed app are closed with 4001, of a disabled app with 4003. Apps from the Redis app store
   * stay. The CLI calls this on SIGHUP and when the config file changes.
   * @throws {ServerConfigError} when an app is invalid: the old apps stay served.
   */
  reloadApps(apps?: readonly AppOptions[]): AppsChange {
    if (this.#state === 'closing' || this.#state === 'closed') {
      throw new ServerStateError('The server is closed');
    }
    return this.#served.replaceConfigured(apps);
  }

  /** Graceful, idempotent shutdown; resolves when everything is closed. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** The adapter's node id, or a placeholder before the adapter was loaded from `redisUrl`. */
  #nodeId(): string {
    try {
      return this.adapter.nodeId;
    } catch {
      return 'starting';
    }
  }

  /** `started`, unless close() began while the adapter was starting (then nothing may bind). */
  #stillOpen(started: Started): Started {
    if (this.#state === 'closing' || this.#state === 'closed') {
      throw new ServerStateError('The server was closed while it was starting');
    }
    return started;
  }

  #bind(started: Started, server: NodeServer, owned: boolean, rest: boolean): NodeBinding {
    const binding = new NodeBinding(this.#transportHooks(started), server, owned, rest);
    this.#transport = binding;
    this.#transportName = 'node';
    return binding;
  }

  #transportHooks(started: Started): TransportHooks {
    return {
      options: this.#options,
      gateway: started.gateway,
      http: this.#httpApi,
      limiter: this.#limiter,
      metrics: this.#metrics,
    };
  }

  #listening(bound: BoundAddress): ServerAddress {
    const urlHost = bound.ipv6 ? `[${bound.host}]` : bound.host;
    const tls = this.#options.tls !== undefined;
    this.#address = {
      host: bound.host,
      port: bound.port,
      url: `${tls ? 'https' : 'http'}://${urlHost}:${bound.port}`,
      tls,
    };
    this.#logger.info('pushwire listening', {
      url: this.#address.url,
      transport: this.#transportName,
    });
    return this.#address;
  }

  /** Resolves and starts the adapter once, with the parts that use it. */
  #start(): Promise<Started> {
    this.#started ??= this.#startOnce();
    return this.#started;
  }

  async #startOnce(): Promise<Started> {
    const adapter = this.#adapter ?? (await loadAdapter(this.#options));
    this.#adapter = adapter;
    const started = this.#assemble(adapter);
    await Promise.all([
      adapter.start(handlersWithDebug(started.gateway, this.#debug)),
      this.#served.start(),
    ]);
    this.#running = started;
    if (typeof adapter.sendDebug === 'function') {
      this.#debug.linkCluster({ send: (text) => adapter.sendDebug?.(text) });
    }
    this.#metrics.set('pushwire_adapter_up', adapter.health().ok ? 1 : 0);
    if (this.#state === 'idle') this.#state = 'running';
    return started;
  }

  /** The gateway, the REST handler and the subscription_count notifier, on `adapter`. */
  #assemble(adapter: Adapter): Started {
    const timing = this.#timing;
    const subscriptionCounts = new SubscriptionCountNotifier(adapter, this.#webhooks);
    const ctx: ServerContext = {
      options: this.#options,
      apps: this.#apps,
      adapter,
      webhooks: this.#webhooks,
      metrics: this.#metrics,
      logger: this.#logger,
      registry: new LocalRegistry(),
      subscriptionCounts,
      rateLimiter: new RestRateLimiter(adapter),
      isDraining: () => this.#state !== 'running',
      processMetrics: this.#processMetrics,
      debug: this.#debug,
    };
    const gateway = new WsGateway(
      ctx,
      {
        activityTimeoutMs:
          timing.activityTimeoutMs ?? this.#options.activityTimeoutSec * MS_PER_SECOND,
        pongTimeoutMs: timing.pongTimeoutMs ?? this.#options.pongTimeoutSec * MS_PER_SECOND,
        userAuthenticationTimeoutMs:
          timing.userAuthenticationTimeoutMs ?? this.#options.userAuthenticationTimeoutMs,
      },
      this.#limiter,
    );
    const http = createHttpApi(ctx, this.#console);
    return { adapter, gateway, http, subscriptionCounts };
  }

  async #shutdown(): Promise<void> {
    const wasStarted = this.#started !== undefined;
    this.#state = 'closing';
    this.#running?.gateway.startDraining();
    const deadline = Date.now() + this.#options.shutdownTimeoutMs;
    const remaining = () => Math.max(0, deadline - Date.now());
    const transport = this.#transport;

    // 1. Stop accepting: no new TCP connections on our own server; end the console's streams.
    this.#console.close();
    const httpClosed = transport?.stopAccepting() ?? Promise.resolve();

    // 2. 4200 to every socket, wait for their cleanup through the adapter.
    if (wasStarted) await this.#started?.catch(() => undefined);
    const running = this.#running;
    if (running !== undefined && !(await withTimeout(running.gateway.closeAll(), remaining()))) {
      this.#logger.warn('shutdown timeout: terminating remaining WebSocket connections');
    }
    running?.gateway.terminateAll();
    transport?.terminateSockets();

    // 3. Drain in-flight HTTP requests.
    if (transport !== undefined) {
      if (!(await withTimeout(httpClosed, remaining()))) transport.closeConnections();
      transport.detach();
    }

    // 4. Flush webhooks (their debounce confirmations still read the adapter), then the adapter.
    running?.subscriptionCounts.close();
    await this.#served.close();
    await withTimeout(this.#webhooks.close(), remaining());
    if (wasStarted) await this.#adapter?.close();
    this.#debug.close();
    // Last: the metrics stay readable while the node drains.
    const metricsListener = await this.#metricsListener?.catch(() => undefined);
    await metricsListener?.close();
    this.#processMetrics.close();
    this.#state = 'closed';
  }
}

/**
 * Without a `logger` option, the default logger scrubs the secrets of the apps served now (apps
 * added by a reload or read from the Redis app store included), not only those given at start.
 */
function withLiveSecrets(
  resolved: ResolvedServerOptions,
  given: ServerOptions,
  secrets: () => readonly string[],
): ResolvedServerOptions {
  if (given.logger !== undefined) return resolved;
  return { ...resolved, logger: createLogger({ level: resolved.logLevel, secrets }) };
}

function secretsOf(
  apps: readonly { readonly secret: string }[],
  options: ResolvedServerOptions,
): readonly string[] {
  const secrets = apps.map((app) => app.secret);
  if (options.tls?.passphrase !== undefined) secrets.push(options.tls.passphrase);
  return secrets;
}

/**
 * The adapter when none is given, if it is known before the server starts: the LocalAdapter
 * without `redisUrl`; undefined with it (see {@link loadAdapter}).
 */
function knownAdapter(options: ResolvedServerOptions): Adapter | undefined {
  return options.redisUrl === undefined ? new LocalAdapter() : undefined;
}

/**
 * The Redis adapter for `redisUrl`, imported when the server starts (`listen()` rejects with a
 * ServerConfigError if ioredis is not installed).
 */
function loadAdapter(options: ResolvedServerOptions): Promise<Adapter> {
  const { redisUrl, redisKeyPrefix, logger } = options;
  if (redisUrl === undefined) return Promise.resolve(new LocalAdapter());
  return loadRedisAdapter(redisUrl, logger, redisKeyPrefix);
}

/**
 * Bun's runtime when `listen()` should use the Bun transport: under Bun unless `transport` is
 * `'node'`. `'bun'` outside Bun is a configuration error.
 */
function chosenBunRuntime(transport: TransportChoice): BunRuntime | undefined {
  if (transport === 'node') return undefined;
  const bun = bunRuntime();
  if (transport === 'bun' && bun === undefined) {
    throw new ServerConfigError(
      'transport',
      '"bun" needs the Bun runtime (run the server with bun)',
    );
  }
  return bun;
}

/** Creates a server; call `listen()` or `attach()` to start it. */
export function createServer(
  options: ServerOptions = {},
  timing: ServerTimingOverrides = {},
): PushwireServer {
  return new PushwireServer(options, timing);
}

/** Resolves true when `promise` settles within `ms`, false otherwise (it keeps running). */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true as const,
        () => true as const,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
