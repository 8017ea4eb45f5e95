/**
 * @module http/handler
 * The server's HTTP entry point, whatever server carries it: `createHttpApi(ctx)` returns a
 * `(request, respond)` function that serves the Pusher REST API under `/apps/{app_id}` (with or without the path prefix), the native
 * push stand-in, `/`, `/health`, `/ready`, `/metrics`, and the debug console under `/console`. Every response is JSON except
 * `/metrics`. Order of checks for API routes: route → app (404) → body size (413) →
 * signature (401) → app enabled (403) → read rate limit (429) → input (400/413) → publish rate
 * limit (429, see http/rest-rate-limiter) → cluster reachable (503) → action. With the `cors`
 * option, a preflight (OPTIONS with `Origin` and `Access-Control-Request-Method`) on any path is
 * answered first, and every answer to an allowed origin carries the CORS headers (see http/cors).
 */

import type { ServerContext } from '../core/server-context';
import { recordRefusal } from '../observability/refusals';
import type { ApiRequest, ApiResponse } from './api-request';
import {
  channelState,
  channelUsers,
  listChannels,
  terminateUserConnections,
} from './channels-routes';
import { ConsoleHttp } from './console-http';
import { CorsPolicy } from './cors';
import { triggerBatch, triggerEvent } from './events-routes';
import type { HttpAnswer, HttpRequest, Respond } from './exchange';
import { healthAnswer, readyAnswer } from './health';
import { HttpStatusError, RequestAbortedError } from './http-status-error';
import { scrapeMetrics } from './metrics-route';
import { acceptNotification, listNotifications, NotificationLog } from './notifications-route';
import { parseQuery } from './query';
import { verifyRequest } from './verify-request';

/** Answers one request through `respond` (at once for everything but the API routes). */
export type HttpApi = (request: HttpRequest, respond: Respond) => void;

type RouteName =
  | 'events'
  | 'batch_events'
  | 'channels'
  | 'channel'
  | 'channel_users'
  | 'terminate_connections'
  | 'notifications';

interface ApiRoute {
  readonly name: RouteName;
  readonly appId: string;
  /** Raw (still percent-encoded) path parameter, '' when none. */
  readonly rawParam: string;
  readonly methods: readonly string[];
}

const JSON_CONTENT_TYPE = 'application/json';
const EMPTY_BUFFER: Buffer = Buffer.alloc(0);

/** Matches `/apps/{id}/...` and `/server_api/v1/apps/{id}/notifications` (prefix already removed). */
function matchApiRoute(path: string): ApiRoute | undefined {
  const segments = path.split('/');
  // ['', 'apps', id, ...]
  if (segments[1] === 'apps' && segments[2]) {
    const appId = segments[2];
    const rest = segments.slice(3);
    if (rest.length === 1 && rest[0] === 'events') {
      return { name: 'events', appId, rawParam: '', methods: ['POST'] };
    }
    if (rest.length === 1 && rest[0] === 'batch_events') {
      return { name: 'batch_events', appId, rawParam: '', methods: ['POST'] };
    }
    if (rest.length === 1 && rest[0] === 'channels') {
      return { name: 'channels', appId, rawParam: '', methods: ['GET'] };
    }
    if (rest.length === 2 && rest[0] === 'channels' && rest[1]) {
      return { name: 'channel', appId, rawParam: rest[1], methods: ['GET'] };
    }
    if (rest.length === 3 && rest[0] === 'channels' && rest[1] && rest[2] === 'users') {
      return { name: 'channel_users', appId, rawParam: rest[1], methods: ['GET'] };
    }
    if (
      rest.length === 3 &&
      rest[0] === 'users' &&
      rest[1] &&
      rest[2] === 'terminate_connections'
    ) {
      return { name: 'terminate_connections', appId, rawParam: rest[1], methods: ['POST'] };
    }
    return undefined;
  }
  if (
    segments.length === 6 &&
    segments[1] === 'server_api' &&
    segments[2] === 'v1' &&
    segments[3] === 'apps' &&
    segments[4] &&
    segments[5] === 'notifications'
  ) {
    return { name: 'notifications', appId: segments[4], rawParam: '', methods: ['POST', 'GET'] };
  }
  return undefined;
}

function decodeParam(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpStatusError(400, 'Malformed percent-encoding in the path');
  }
}

/** Creates the HTTP request handler of a server (`console`: serves `/console`, absent: 404). */
export function createHttpApi(ctx: ServerContext, console?: ConsoleHttp): HttpApi {
  const { options, metrics, logger } = ctx;
  const prefix = options.pathPrefix;
  const notifications = new NotificationLog();
  const cors = options.cors === undefined ? undefined : new CorsPolicy(options.cors);
  const { rateLimiter } = ctx;

  const answer = (
    route: string,
    status: number,
    body: string,
    contentType = JSON_CONTENT_TYPE,
    extraHeaders?: Readonly<Record<string, string>>,
    closeConnection = false,
  ): HttpAnswer => {
    metrics.inc('pushwire_http_requests_total', { route, status: String(status) });
    return {
      status,
      headers: {
        ...extraHeaders,
        'content-type': contentType,
        'content-length': Buffer.byteLength(body),
      },
      body,
      closeConnection,
    };
  };

  /** `appId`: the configured app the route names, if any (never an unknown id: labels stay bounded). */
  const sendError = (
    respond: Respond,
    route: string,
    appId: string | undefined,
    error: unknown,
    req: HttpRequest,
  ) => {
    if (error instanceof RequestAbortedError) {
      metrics.inc('pushwire_http_requests_total', { route, status: 'aborted' });
      return;
    }
    if (error instanceof HttpStatusError) {
      recordRefusal(ctx, {
        kind: error.refusalKind,
        appId,
        code: error.status,
        reason: error.message,
        detail: { method: req.method, route },
      });
      // The rest of the body is not read: the connection cannot carry another request.
      const closeConnection = error.status === 413 || error.status === 408;
      respond(
        answer(
          route,
          error.status,
          JSON.stringify({ error: error.message }),
          JSON_CONTENT_TYPE,
          error.headers,
          closeConnection,
        ),
      );
      return;
    }
    metrics.inc('pushwire_errors_total', { kind: 'http', app_id: appId ?? '' });
    logger.error('http request failed', { method: req.method, route, error });
    respond(answer(route, 500, JSON.stringify({ error: 'Internal server error' })));
  };

  const runApi = async (
    req: HttpRequest,
    respond: Respond,
    route: ApiRoute,
    rawPath: string,
    rawQuery: string,
  ) => {
    const method = req.method;
    if (!route.methods.includes(method)) {
      req.discardBody();
      throw new HttpStatusError(405, `Method ${method} is not allowed here`, {
        allow: route.methods.join(', '),
      });
    }
    const app = ctx.apps.byId(route.appId);
    if (app === undefined) {
      req.discardBody();
      throw new HttpStatusError(404, `Unknown app id "${route.appId}"`);
    }
    let body = EMPTY_BUFFER;
    if (method === 'GET' || method === 'HEAD') req.discardBody();
    else body = await req.readBody(app.limits.maxRequestBytes, options.requestTimeoutMs);
    const query = parseQuery(rawQuery);
    const failure = verifyRequest({
      method,
      rawPath,
      pathPrefix: prefix,
      query,
      body,
      app,
      nowSec: Math.floor(Date.now() / 1000),
      toleranceSec: options.authTimestampToleranceSec,
    });
    if (failure !== undefined) throw new HttpStatusError(401, failure);
    if (!app.enabled) throw new HttpStatusError(403, `App ${app.id} is disabled`);
    // Reads count per request; publishes count their messages once validated (events-routes).
    if (method === 'GET' || method === 'HEAD') await rateLimiter.enforce(app, 'reads', 1);

    const request: ApiRequest = { app, query, body, param: decodeParam(route.rawParam) };
    let response: ApiResponse;
    switch (route.name) {
      case 'events':
        response = await triggerEvent(ctx, request);
        break;
      case 'batch_events':
        response = await triggerBatch(ctx, request);
        break;
      case 'channels':
        response = await listChannels(ctx, request);
        break;
      case 'channel':
        response = await channelState(ctx, request);
        break;
      case 'channel_users':
        response = await channelUsers(ctx, request);
        break;
      case 'terminate_connections':
        response = await terminateUserConnections(ctx, request);
        break;
      case 'notifications':
        response =
          method === 'GET'
            ? listNotifications(notifications, request)
            : acceptNotification(notifications, request);
        break;
    }
    respond(answer(route.name, response.status, JSON.stringify(response.body)));
  };

  const serveHealth = (route: 'health' | 'ready'): HttpAnswer => {
    const health = route === 'health' ? healthAnswer(ctx) : readyAnswer(ctx);
    return answer(route, health.status, JSON.stringify(health.body));
  };

  const serveMetrics = (respond: Respond): void => {
    if (options.metrics.port !== undefined) {
      // Served on the metrics port only.
      respond(answer('not_found', 404, JSON.stringify({ error: 'Not found' })));
      return;
    }
    if (!options.metrics.enabled) {
      respond(answer('metrics', 404, JSON.stringify({ error: 'Metrics are disabled' })));
      return;
    }
    void scrapeMetrics(ctx).then(respond);
  };

  /** `respond` adding the CORS headers for the request's origin to every answer. */
  const withCors = (policy: CorsPolicy, origin: string | undefined, respond: Respond): Respond => {
    const extra = policy.answerHeaders(origin);
    return (answered) => respond({ ...answered, headers: { ...answered.headers, ...extra } });
  };

  return (req, plainRespond) => {
    let respond = plainRespond;
    if (cors !== undefined) {
      const origin = req.header('origin');
      if (
        req.method === 'OPTIONS' &&
        origin !== undefined &&
        req.header('access-control-request-method') !== undefined
      ) {
        req.discardBody();
        const preflight = cors.preflight(origin);
        metrics.inc('pushwire_http_requests_total', {
          route: 'preflight',
          status: String(preflight.status),
        });
        respond(preflight);
        return;
      }
      respond = withCors(cors, origin, plainRespond);
    }
    const url = req.url;
    const queryStart = url.indexOf('?');
    const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
    const rawQuery = queryStart === -1 ? '' : url.slice(queryStart + 1);
    let path = rawPath;
    if (prefix !== '' && (path === prefix || path.startsWith(`${prefix}/`))) {
      path = path.slice(prefix.length) || '/';
    }

    if (console !== undefined && ConsoleHttp.handles(path)) {
      console.serve(ctx, req, respond, path, rawPath, rawQuery);
      return;
    }
    const route = matchApiRoute(path);
    if (route !== undefined) {
      runApi(req, respond, route, rawPath, rawQuery).catch((error: unknown) =>
        sendError(respond, route.name, ctx.apps.byId(route.appId)?.id, error, req),
      );
      return;
    }
    req.discardBody();
    const method = req.method;
    const readOnly = method === 'GET' || method === 'HEAD';
    switch (readOnly ? path : '') {
      case '/':
        respond(answer('root', 200, JSON.stringify({ ok: true, name: 'pushwire' })));
        return;
      case '/health':
        respond(serveHealth('health'));
        return;
      case '/ready':
        respond(serveHealth('ready'));
        return;
      case '/metrics':
        serveMetrics(respond);
        return;
      default:
        respond(answer('not_found', 404, JSON.stringify({ error: 'Not found' })));
    }
  };
}
