/**
 * @module webhooks/from-request
 * Builds a Webhook from a Fetch API `Request` (Next.js route handlers, Hono's `c.req.raw`,
 * Cloudflare Workers, Deno, Bun). The body is read once, as raw bytes, so the signature is
 * checked over exactly what was sent.
 */
import { PusherError } from '../errors';
import { Webhook, type WebhookContext } from './webhook';

/**
 * Reads `request`'s raw body and returns the Webhook (not yet verified: call
 * `isValid(undefined, { maxAgeMs })`, the `maxAgeMs` refusing replays).
 */
export async function webhookFromRequest(request: Request, ctx: WebhookContext): Promise<Webhook> {
  if (request.bodyUsed) {
    throw new PusherError(
      'The request body was already read; pass request.clone() or the raw body to new Webhook()',
    );
  }
  const body = new Uint8Array(await request.arrayBuffer());
  return new Webhook({ headers: request.headers, body }, ctx);
}
