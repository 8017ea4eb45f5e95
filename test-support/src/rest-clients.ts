/**
 * @module test-support/rest-clients
 * Server SDKs signing as an app against a server on 127.0.0.1 over plain HTTP: `@pushwire/sdk`
 * (closed when the test ends) and the official `pusher` package; and the HTTP status of a call.
 */
import { type PusherOptions, Pusher as PushwireSdk } from '@pushwire/sdk';
import PusherServerSdk from 'pusher';
import { onTestFinished } from 'vitest';

/** The credentials a server SDK signs with. */
export interface RestApp {
  readonly id: string;
  readonly key: string;
  readonly secret: string;
}

/** `@pushwire/sdk` for `app` on `port` (plus `options`); closed when the test finishes. */
export function pushwireSdk(
  port: number,
  app: RestApp,
  options: Partial<PusherOptions> = {},
): PushwireSdk {
  const sdk = new PushwireSdk({
    appId: app.id,
    key: app.key,
    secret: app.secret,
    host: '127.0.0.1',
    port,
    useTLS: false,
    ...options,
  });
  onTestFinished(() => sdk.close());
  return sdk;
}

/** The official Node server SDK (`pusher` on npm) for `app` on `port` (plus `options`). */
export function officialSdk(
  port: number,
  app: RestApp,
  options: Partial<PusherServerSdk.BaseOptions> = {},
): PusherServerSdk {
  return new PusherServerSdk({
    appId: app.id,
    key: app.key,
    secret: app.secret,
    host: '127.0.0.1',
    port: String(port),
    useTLS: false,
    ...options,
  });
}

/** The HTTP status of an official SDK call (it rejects with a RequestError carrying `status`). */
export async function statusOf(call: Promise<{ status: number }>): Promise<number> {
  try {
    return (await call).status;
  } catch (error) {
    return (error as { status: number }).status;
  }
}
