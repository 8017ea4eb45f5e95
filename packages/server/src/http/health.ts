/**
 * @module http/health
 * The answers of `/health` and `/ready` on the public port: a status (200, or 503 while draining or
 * when the adapter is unhealthy) and a body of booleans and fixed reasons only. The adapter's
 * error text (e.g. why Redis is unreachable) is never shown to these anonymous callers: it goes to
 * the logs (once per outage), and `/metrics` has `pushwire_adapter_up` and `pushwire_connections`.
 */
import type { ServerContext } from '../core/server-context';

/** A status and a JSON-serializable body. */
export interface HealthAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** `/health`: `{ ok, draining, adapter: { ok } }`. */
export function healthAnswer(ctx: ServerContext): HealthAnswer {
  const adapterOk = ctx.adapter.health().ok;
  const draining = ctx.isDraining();
  const ok = adapterOk && !draining;
  return { status: ok ? 200 : 503, body: { ok, draining, adapter: { ok: adapterOk } } };
}

/** `/ready`: `{ ready: true }`, or `{ ready: false, reason: 'draining' | 'adapter unhealthy' }`. */
export function readyAnswer(ctx: ServerContext): HealthAnswer {
  const draining = ctx.isDraining();
  if (!draining && ctx.adapter.health().ok) return { status: 200, body: { ready: true } };
  const reason = draining ? 'draining' : 'adapter unhealthy';
  return { status: 503, body: { ready: false, reason } };
}
