/**
 * @module @pushwire/server/testing
 * Test helpers for applications that use Pusher Channels: `startTestServer()` runs a pushwire
 * server on a free port, records what it was sent (events, webhooks) for `nextEvent()` /
 * `nextWebhook()`, and makes connected pusher-js clients (pusher-js is an optional peer
 * dependency, needed only by `client()`). See docs/testing.md. `runAdapterContract()` is the
 * Adapter contract as a suite, for authors of an adapter (it takes the runner's functions).
 */
export {
  byUser,
  type ContractAssertion,
  type ContractCluster,
  type ContractNode,
  type ContractOptions,
  type ContractRunner,
  eventually,
  type MakeCluster,
  RecordingHandlers,
  type Removal,
  runAdapterContract,
} from './adapter-contract';
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
