/**
 * @module @pushwire/server/testing
 * Test helpers for applications that use Pusher Channels: `startTestServer()` runs a pushwire
 * server on a free port, records what it was sent (events, webhooks) for `nextEvent()` /
 * `nextWebhook()`, and makes connected pusher-js clients (pusher-js is an optional peer
 * dependency, needed only by `client()`). See docs/testing.md.
 */
export type {
  CapturedEvent,
  CapturedWebhook,
  EventFilter,
  TextMatcher,
  WebhookFilter,
} from './captured';
export { CaptureTimeoutError, TestServerError } from './errors';
export { subscribe, type TestClientOptions, type TestUser } from './pusher-js-client';
export {
  startTestServer,
  type TestApp,
  type TestSdkOptions,
  TestServer,
  type TestServerOptions,
  type WaitOptions,
} from './test-server';
