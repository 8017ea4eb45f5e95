/**
 * @module test/helpers/clients
 * Builds SDK clients pointed at a fake API, closed automatically when the test ends.
 */
import { onTestFinished } from 'vitest';
import { Pusher, type PusherOptions } from '../../src/index';
import {
  type FakeApi,
  type FakeApiOptions,
  startFakeApi,
  TEST_KEY,
  TEST_SECRET,
} from './fake-pusher-api';

export const TEST_APP_ID = '4242';

/** A client for `api` (retries off unless `overrides.retry` says otherwise). */
export function clientFor(
  api: Pick<FakeApi, 'host' | 'port'>,
  overrides: Partial<PusherOptions> = {},
): Pusher {
  const client = new Pusher({
    appId: TEST_APP_ID,
    key: TEST_KEY,
    secret: TEST_SECRET,
    host: api.host,
    port: api.port,
    useTLS: false,
    retry: false,
    ...overrides,
  });
  onTestFinished(() => client.close());
  return client;
}

/** Starts a fake API closed when the test ends. */
export async function fakeApi(options?: FakeApiOptions): Promise<FakeApi> {
  const api = await startFakeApi(options);
  onTestFinished(() => api.close());
  return api;
}
