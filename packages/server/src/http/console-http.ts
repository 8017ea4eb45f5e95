/**
 * @module http/console-http
 * The debug console under `/console`: the page and its assets, and the API it (and `pushwire
 * tail`) uses. Who may see an app: the built-in development app without a login when the server
 * listens on a loopback address (unless `console.enabled` is false); any app when
 * `console.enabled` is true, after proving its key and secret once (`POST /console/api/login`,
 * answered with a session token, see session-token.ts) or, for `pushwire tail`, with a request
 * signed like the REST API's. Routes:
 *   GET  /console                              the page (assets: /console/app.js, /console/app.css)
 *   GET  /console/api/config                   which apps are open, whether login is possible
 *   POST /console/api/login                    {key, secret} → {appId, token, expiresAt}
 *   POST /console/api/apps/:id/session         a fresh token for a valid one
 *   GET  /console/api/apps/:id/overview        connections, channels, presence members
 *   GET  /console/api/apps/:id/stream          the live log as Server-Sent Events
 *   POST /console/api/apps/:id/events          the trigger form: the REST events route's checks and path
 */
import { isCacheChannel, timingSafeEqual } from '@pushwire/sdk';
import { isInternalChannel } from '../channels/channel-kind';
import type { DebugFeed } from '../console/debug-feed';
import { CONSOLE_PAGE_HTML } from '../console/page-html';
import { CONSOLE_PAGE_SCRIPT } from '../console/page-script';
import { CONSOLE_PAGE_STYLE } from '../console/page-style';
import { checkSessionToken, issueSessionToken } from '../console/session-token';
import type { Watcher } from '../console/watcher';
import type { ServerContext } from '../core/server-context';
import { recordRefusal } from '../observability/refusals';
import { DEFAULT_APP_ID, DEFAULT_APP_KEY, DEFAULT_APP_SECRET, type ResolvedApp } from '../options';
import { triggerEvent } from './events-routes';
import type { HttpAnswer, HttpRequest, Respond, StreamSink } from './exchange';
import { HttpStatusError, RequestAbortedError } from './http-status-error';
import { parseQuery, type QueryParams } from './query';
import { verifyRequest } from './verify-request';

/** Largest login body. */
const MAX_LOGIN_BYTES = 4096;
/** Longest channel or event filter. */
const MAX_FILTER_CHARS = 200;
/** Channels listed by the overview, and presence channels whose members it lists. */
const MAX_OVERVIEW_CHANNELS = 500;
const MAX_PRESENCE_CHANNELS = 50;
const MAX_MEMBERS_PER_CHANNEL = 100;
const MAX_USER_INFO_CHARS = 300;
/** Longest silence on a stream (proxies and Bun's idle timeout close silent responses). */
const MAX_HEARTBEAT_MS = 15_000;

const PAGE_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

/** True for the built-in development app (its credentials are public anyway). */
export function isDevelopmentApp(app: ResolvedApp): boolean {
  return (
    app.id === DEFAULT_APP_ID && app.key === DEFAULT_APP_KEY && app.secret === DEFAULT_APP_SECRET
  );
}

interface ActiveStream {
  readonly sink: StreamSink;
  readonly watcher: Watcher;
}

type Access =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: number; readonly reason: string };

/** The console's routes of one server; see the module comment. */

/** The page's script and style, served beside it at `/console/<name>`. */
const PAGE_FILES: ReadonlyMap<string, { readonly body: string; readonly contentType: string }> =
  new Map([
    ['app.js', { body: CONSOLE_PAGE_SCRIPT, contentType: 'text/javascript; charset=utf-8' }],
    ['app.css', { body: CONSOLE_PAGE_STYLE, contentType: 'text/css; charset=utf-8' }],
  ]);
export class ConsoleHttp {
  readonly #feed: DebugFeed;
  readonly #isLoopback: () => boolean;
  readonly #streams = new Set<ActiveStream>();
  /** Shutdown began: no new streams (they would hold the HTTP drain). */
  #closed = false;

  /** `isLoopback`: the server listens on a loopback address only (not known when attached). */
  constructor(feed: DebugFeed, isLoopback: () => boolean) {
    this.#feed = feed;
    this.#isLoopback = isLoopback;
  }

  /** True for a path this module answers (after the path prefix was removed). */
  static handles(path: string): boolean {
    return path === '/console' || path.startsWith('/console/');
  }

  /** Answers one request under `/console`. Never throws. */
  serve(
    ctx: ServerContext,
    req: HttpRequest,
    respond: Respond,
    path: string,
    rawPath: string,
    rawQuery: string,
  ): void {
    this.#route(ctx, req, respond, path, rawPath, rawQuery).catch((error: unknown) => {
      if (error instanceof RequestAbortedError) return;
      if (error instanceof HttpStatusError) {
        respond(json(ctx, error.status, { error: error.message }));
        return;
      }
      ctx.logger.error('console request failed', { error });
      respond(json(ctx, 500, { error: 'Internal server error' }));
    });
  }

  /** Ends every open stream (shutdown). */
  close(): void {
    this.#closed = true;
    for (const stream of [...this.#streams]) stream.sink.end();
  }

  /** Streams open now (for tests). */
  get streamCount(): number {
    return this.#streams.size;
  }

  async #route(
    ctx: ServerContext,
    req: HttpRequest,
    respond: Respond,
    path: string,
    rawPath: string,
    rawQuery: string,
  ): Promise<void> {
    const method = req.method;
    if (!this.available(ctx)) {
      req.discardBody();
      throw new HttpStatusError(
        404,
        'The console is disabled: set console.enabled (PUSHWIRE_CONSOLE=true) to serve it',
      );
    }
    const segments = path.split('/').slice(2); // after ['', 'console']
    if (segments.length === 0) {
      req.discardBody();
      requireMethod(method, 'GET');
      respond(asset(ctx, CONSOLE_PAGE_HTML, 'text/html; charset=utf-8'));
      return;
    }
    if (segments.length === 1 && segments[0] === '') {
      // The page's relative links expect `/console` without the slash.
      req.discardBody();
      respond(redirect(ctx, rawPath.replace(/\/+$/, '')));
      return;
    }
    const file = segments.length === 1 ? PAGE_FILES.get(segments[0] ?? '') : undefined;
    if (file !== undefined) {
      req.discardBody();
      requireMethod(method, 'GET');
      respond(asset(ctx, file.body, file.contentType));
      return;
    }
    if (segments[0] !== 'api') {
      req.discardBody();
      throw new HttpStatusError(404, 'Not found');
    }
    const query = parseQuery(rawQuery);
    if (segments.length === 2 && segments[1] === 'config') {
      req.discardBody();
      requireMethod(method, 'GET');
      const open = ctx.apps
        .all()
        .filter((app) => this.#isOpen(ctx, app))
        .map((app) => app.id);
      respond(json(ctx, 200, { open, login: ctx.options.console.enabled === true }));
      return;
    }
    if (segments.length === 2 && segments[1] === 'login') {
      requireMethod(method, 'POST');
      respond(json(ctx, 200, await this.#login(ctx, req)));
      return;
    }
    if (segments.length !== 4 || segments[1] !== 'apps' || !segments[2]) {
      req.discardBody();
      throw new HttpStatusError(404, 'Not found');
    }
    const appId = decodeSegment(segments[2]);
    const action = segments[3];
    const app = ctx.apps.byId(appId);
    if (app === undefined) {
      req.discardBody();
      throw new HttpStatusError(404, `Unknown app id "${appId.slice(0, 64)}"`);
    }
    if (method !== 'POST') req.discardBody();
    const body =
      method === 'POST'
        ? await req.readBody(app.limits.maxRequestBytes, ctx.options.requestTimeoutMs)
        : Buffer.alloc(0);
    const access = this.#authorize(ctx, app, method, rawPath, query, body);
    if (!access.ok) {
      recordRefusal(ctx, {
        kind: `console_${access.status}`,
        appId: app.id,
        code: access.status,
        reason: access.reason,
        detail: { route: action },
      });
      throw new HttpStatusError(access.status, access.reason);
    }
    switch (action) {
      case 'session':
        requireMethod(method, 'POST');
        respond(
          json(ctx, 200, { appId: app.id, ...issueSessionToken(app.id, app.secret, Date.now()) }),
        );
        return;
      case 'overview':
        requireMethod(method, 'GET');
        respond(json(ctx, 200, await this.#overview(ctx, app)));
        return;
      case 'stream':
        if (method !== 'GET') {
          throw new HttpStatusError(405, `Method ${method} is not allowed here`, { allow: 'GET' });
        }
        if (this.#closed) throw new HttpStatusError(503, 'The server is shutting down');
        respond(this.#stream(ctx, app, query));
        return;
      case 'events': {
        requireMethod(method, 'POST');
        if (!app.enabled) throw new HttpStatusError(403, `App ${app.id} is disabled`);
        const result = await triggerEvent(ctx, { app, query: {}, body, param: '' });
        respond(json(ctx, result.status, result.body));
        return;
      }
      default:
        throw new HttpStatusError(404, 'Not found');
    }
  }

  /** The console is served at all (for some app). */
  available(ctx: Pick<ServerContext, 'options' | 'apps'>): boolean {
    const enabled = ctx.options.console.enabled;
    if (enabled !== undefined) return enabled;
    return this.#isLoopback() && ctx.apps.all().some(isDevelopmentApp);
  }

  /** The app is shown without a login. */
  #isOpen(ctx: ServerContext, app: ResolvedApp): boolean {
    return ctx.options.console.enabled !== false && this.#isLoopback() && isDevelopmentApp(app);
  }

  #authorize(
    ctx: ServerContext,
    app: ResolvedApp,
    method: string,
    rawPath: string,
    query: QueryParams,
    body: Buffer,
  ): Access {
    if (this.#isOpen(ctx, app)) return { ok: true };
    if (ctx.options.console.enabled !== true) {
      return {
        ok: false,
        status: 403,
        reason: 'The console is not enabled for this app (console.enabled)',
      };
    }
    const token = query['token'];
    if (token !== undefined) {
      const problem = checkSessionToken(token, app.id, app.secret, Date.now());
      return problem === undefined ? { ok: true } : { ok: false, status: 401, reason: problem };
    }
    if (query['auth_signature'] !== undefined) {
      const problem = verifyRequest({
        method,
        rawPath,
        pathPrefix: ctx.options.pathPrefix,
        query,
        body,
        app,
        nowSec: Math.floor(Date.now() / 1000),
        toleranceSec: ctx.options.authTimestampToleranceSec,
      });
      return problem === undefined ? { ok: true } : { ok: false, status: 401, reason: problem };
    }
    return { ok: false, status: 401, reason: 'Log in with the app key and secret' };
  }

  async #login(ctx: ServerContext, req: HttpRequest): Promise<unknown> {
    const body = await req.readBody(MAX_LOGIN_BYTES, ctx.options.requestTimeoutMs);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpStatusError(400, 'The body must be JSON: {"key": "...", "secret": "..."}');
    }
    const { key, secret } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
      string,
      unknown
    >;
    if (typeof key !== 'string' || typeof secret !== 'string' || key === '' || secret === '') {
      throw new HttpStatusError(400, 'key and secret are required strings');
    }
    const app = ctx.apps.byKey(key);
    // One answer for an unknown key and a wrong secret; neither is echoed.
    if (app === undefined || !timingSafeEqual(secret, app.secret)) {
      recordRefusal(ctx, {
        kind: 'console_401',
        appId: app?.id,
        code: 401,
        reason: 'Invalid key or secret',
        detail: { route: 'login' },
      });
      throw new HttpStatusError(401, 'Invalid key or secret');
    }
    if (ctx.options.console.enabled !== true && !this.#isOpen(ctx, app)) {
      throw new HttpStatusError(403, 'The console is not enabled for this app (console.enabled)');
    }
    return { appId: app.id, ...issueSessionToken(app.id, app.secret, Date.now()) };
  }

  async #overview(ctx: ServerContext, app: ResolvedApp): Promise<unknown> {
    const occupied = await ctx.adapter.channels(app.id);
    const listed = [...occupied.keys()].filter((name) => !isInternalChannel(name));
    const names = listed.sort().slice(0, MAX_OVERVIEW_CHANNELS);
    let presenceListed = 0;
    const channels = [];
    for (const name of names) {
      const state = occupied.get(name);
      if (state === undefined) continue;
      const channel: Record<string, unknown> = {
        name,
        subscriptionCount: state.subscriptionCount,
        cache: isCacheChannel(name),
      };
      if (state.userCount !== undefined) {
        channel['userCount'] = state.userCount;
        if (presenceListed < MAX_PRESENCE_CHANNELS) {
          presenceListed++;
          const members = await ctx.adapter.members(app.id, name);
          channel['members'] = members.slice(0, MAX_MEMBERS_PER_CHANNEL).map((member) => ({
            id: member.userId,
            info: clipJson(member.userInfo),
          }));
        }
      }
      channels.push(channel);
    }
    const connections = this.#feed.connectionCount(app.id);
    return {
      appId: app.id,
      node: ctx.adapter.nodeId,
      connections: connections.total,
      nodes: connections.nodes,
      channelCount: listed.length,
      channels,
    };
  }

  #stream(ctx: ServerContext, app: ResolvedApp, query: QueryParams): HttpAnswer {
    let sink: StreamSink | undefined;
    const watcher = this.#feed.watch(
      app.id,
      {
        channel: query['channel']?.slice(0, MAX_FILTER_CHARS),
        event: query['event']?.slice(0, MAX_FILTER_CHARS),
      },
      { write: (chunk) => sink?.write(chunk) === true },
    );
    if (typeof watcher === 'string') {
      throw new HttpStatusError(
        429,
        `Too many console watchers (${watcher.replaceAll('_', ' ')}); close another one`,
      );
    }
    const heartbeatMs = Math.max(
      1000,
      Math.min(MAX_HEARTBEAT_MS, ctx.options.requestTimeoutMs / 2),
    );
    const hello = JSON.stringify({ appId: app.id, node: ctx.adapter.nodeId, time: Date.now() });
    ctx.metrics.inc('pushwire_http_requests_total', { route: 'console', status: '200' });
    return {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      },
      body: '',
      closeConnection: false,
      stream: (streamSink) => {
        sink = streamSink;
        const active: ActiveStream = { sink: streamSink, watcher };
        this.#streams.add(active);
        streamSink.write(`retry: 2000\nevent: hello\ndata: ${hello}\n\n`);
        watcher.drained();
        const heartbeat = setInterval(() => watcher.writeNow(': ping\n\n'), heartbeatMs);
        heartbeat.unref();
        let closed = false;
        return {
          drained: () => watcher.drained(),
          closed: () => {
            if (closed) return;
            closed = true;
            clearInterval(heartbeat);
            this.#feed.unwatch(watcher);
            this.#streams.delete(active);
          },
        };
      },
    };
  }
}

function requireMethod(method: string, allowed: string): void {
  if (method !== allowed && !(allowed === 'GET' && method === 'HEAD')) {
    throw new HttpStatusError(405, `Method ${method} is not allowed here`, { allow: allowed });
  }
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpStatusError(400, 'Malformed percent-encoding in the path');
  }
}

function clipJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value) ?? '';
  return text.length <= MAX_USER_INFO_CHARS ? value : `${text.slice(0, MAX_USER_INFO_CHARS)}…`;
}

function json(ctx: ServerContext, status: number, body: unknown): HttpAnswer {
  ctx.metrics.inc('pushwire_http_requests_total', { route: 'console', status: String(status) });
  const text = JSON.stringify(body);
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    },
    body: text,
    closeConnection: false,
  };
}

function redirect(ctx: ServerContext, location: string): HttpAnswer {
  ctx.metrics.inc('pushwire_http_requests_total', { route: 'console', status: '308' });
  return {
    status: 308,
    headers: { location, 'content-type': 'text/plain', 'content-length': 0 },
    body: '',
    closeConnection: false,
  };
}

function asset(ctx: ServerContext, text: string, contentType: string): HttpAnswer {
  ctx.metrics.inc('pushwire_http_requests_total', { route: 'console', status: '200' });
  return {
    status: 200,
    headers: {
      ...PAGE_SECURITY_HEADERS,
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
    },
    body: text,
    closeConnection: false,
  };
}
