/**
 * @module @pushwire/test-support
 * The helpers the pushwire test suites share (a private workspace, never published): waits with a
 * deadline, ports on 127.0.0.1, a recording webhook receiver, real pusher-js clients, server SDKs
 * signing as an app, child processes, a private redis-server,
 * throwaway TLS certificates.
 */
export {
  type CollectedChild,
  cleanEnv,
  killAndWait,
  spawnCollecting,
} from './child-process';
export { type LocalAdapterClasses, localAdapterCluster } from './local-adapter-cluster';
export { freePort, listenUntilTestEnds } from './ports';
export {
  type ClientApp,
  type ClientIdentity,
  connected,
  nextEvent,
  pusherClient,
  subscribe,
  subscribed,
} from './pusher-js';
export {
  type RedisServerHandle,
  redisServerForTest,
  startRedisServer,
  useRedisServer,
} from './redis-server';
export { officialSdk, pushwireSdk, type RestApp, statusOf } from './rest-clients';
export {
  type CertNames,
  createTestPki,
  peerFingerprint,
  type ServerCert,
  selfSignedCert,
  type TestPki,
} from './tls-certs';
export { STEP_TIMEOUT_MS, waitFor, waitUntil, within } from './wait';
export {
  type HookEvent,
  type ReceivedWebhook,
  startWebhookEventLog,
  startWebhookReceiver,
  type WebhookReceiver,
} from './webhook-receiver';
