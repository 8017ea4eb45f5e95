/**
 * @module transport/interception
 * Tells, per request and in a few property reads, whether an HTTP interceptor is installed in
 * this process: nock (14+) and msw (2+), both built on @mswjs/interceptors, replace
 * `http.request` and `https.request` with Proxies and register themselves on `globalThis` under
 * `Symbol.for('client-request-interceptor')`. While one is installed the Node transport steps
 * aside and sends through `http.request`, where the interceptor sees the request exactly as it
 * sees the official SDK's (see select-transport).
 *
 * Signs of an interceptor, any of which is enough:
 * - the `client-request-interceptor` registration on `globalThis`;
 * - `http.request` or `https.request` is a Proxy (Node's own functions never are);
 * - `http.request` or `https.request` is not the function that was there when the SDK was
 *   loaded (a plain replacement, e.g. a spy), when that one was Node's own.
 * The verdict on the functions is cached per pair of references, so the check on every request
 * is two property reads, a global read and three comparisons.
 */
import type { NodeHttpModules } from '../runtime/node-http';

/** Where @mswjs/interceptors registers its ClientRequest interceptor while it is applied. */
export const CLIENT_REQUEST_INTERCEPTOR = Symbol.for('client-request-interceptor');

/** The `request` functions found when the SDK was loaded (undefined when already replaced). */
export interface OriginalRequestFunctions {
  readonly http: unknown;
  readonly https: unknown;
}

/** The current `request` functions, kept only when they are not Proxies. */
export function captureRequestFunctions(modules: NodeHttpModules): OriginalRequestFunctions {
  const keep = (fn: unknown): unknown => (modules.isProxy(fn) ? undefined : fn);
  return { http: keep(modules.http.request), https: keep(modules.https.request) };
}

/** A probe: true while an interceptor is installed. */
export type InterceptionProbe = () => boolean;

/** The probe for `modules`, comparing with `originals` (see the module comment). */
export function createInterceptionProbe(
  modules: NodeHttpModules,
  originals: OriginalRequestFunctions,
): InterceptionProbe {
  const registry = globalThis as { [CLIENT_REQUEST_INTERCEPTOR]?: unknown };
  const replaced = (fn: unknown, original: unknown): boolean =>
    modules.isProxy(fn) || (original !== undefined && fn !== original);
  let seenHttp: unknown;
  let seenHttps: unknown;
  let verdict = false;
  return () => {
    if (registry[CLIENT_REQUEST_INTERCEPTOR] !== undefined) return true;
    const httpRequest = modules.http.request;
    const httpsRequest = modules.https.request;
    if (httpRequest !== seenHttp || httpsRequest !== seenHttps) {
      seenHttp = httpRequest;
      seenHttps = httpsRequest;
      verdict = replaced(httpRequest, originals.http) || replaced(httpsRequest, originals.https);
    }
    return verdict;
  };
}
