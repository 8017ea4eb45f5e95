/**
 * @module test/conformance-helpers
 * The server tests' app for real clients: pusher-js clients of {@link APP} (from
 * `@pushwire/test-support`, signing with the shared encryption master key) and the official
 * `pusher` server SDK pointed at the same server.
 */

import { type ClientIdentity, pusherClient as pusherJsClient } from '@pushwire/test-support';
import PusherServerSdk from 'pusher';
import type Pusher from 'pusher-js';
import { APP } from './ws-helpers';

/** 32 random-looking bytes, base64: the encryption master key shared by SDK and client auth. */
export const MASTER_KEY_BASE64 = 'bG9jYWwtdGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGVzISE=';

/** A pusher-js client of the test app ({@link APP}, with the master key) connected to `port`. */
export function pusherClient(port: number, identity: ClientIdentity = {}): Pusher {
  return pusherJsClient(port, { ...APP, masterKeyBase64: MASTER_KEY_BASE64 }, identity);
}

/** The official Node server SDK (`pusher` on npm) pointed at the test server. */
export function officialSdk(port: number): PusherServerSdk {
  return new PusherServerSdk({
    appId: APP.id,
    key: APP.key,
    secret: APP.secret,
    host: '127.0.0.1',
    port: String(port),
    useTLS: false,
    encryptionMasterKeyBase64: MASTER_KEY_BASE64,
  });
}
