/**
 * @module runtime-tests/check/endpoint
 * A small Pusher-like REST endpoint on 127.0.0.1 that accepts `POST /apps/:id/events` only with a
 * valid signature (auth_key, ±600 s timestamp, body_md5, HMAC-SHA256), decrypts events sent to
 * the encrypted check channel with tweetnacl + node:crypto (an implementation independent of the
 * SDK) and records what each runtime sent. `GET /captured/:runtime` returns the ciphertext seen.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const nacl = require('tweetnacl');

const TIMESTAMP_WINDOW_S = 600;

function signatureValid(method, url, body, app) {
  const params = Object.fromEntries(url.searchParams);
  const { auth_signature: signature, ...signed } = params;
  if (signed.auth_key !== app.key || signed.auth_version !== '1.0' || signature === undefined)
    return false;
  if (Math.abs(Date.now() / 1000 - Number(signed.auth_timestamp)) > TIMESTAMP_WINDOW_S)
    return false;
  const md5 = createHash('md5').update(body).digest('hex');
  if (body.length > 0 && signed.body_md5 !== md5) return false;
  const query = Object.keys(signed)
    .sort()
    .map((name) => `${name}=${signed[name]}`)
    .join('&');
  const expected = createHmac('sha256', app.secret)
    .update(`${method}\n${url.pathname}\n${query}`)
    .digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function decrypt(channel, data, masterKey) {
  const { nonce, ciphertext } = JSON.parse(data);
  const key = createHash('sha256').update(channel).update(masterKey).digest();
  const opened = nacl.secretbox.open(
    new Uint8Array(Buffer.from(ciphertext, 'base64')),
    new Uint8Array(Buffer.from(nonce, 'base64')),
    new Uint8Array(key),
  );
  return opened === null ? undefined : Buffer.from(opened).toString('utf8');
}

/**
 * Starts the endpoint. `app` = { appId, key, secret }; `encrypted` = { channel, masterKeyBase64,
 * secret }. Resolves to { url, received, close }; `received` maps runtime name to event names.
 */
export async function startEndpoint(app, encrypted) {
  const received = new Map();
  const captured = new Map();
  const masterKey = Buffer.from(encrypted.masterKeyBase64, 'base64');
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(request.url, 'http://127.0.0.1');
      const reply = (status, payload) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(payload));
      };
      if (request.method === 'GET' && url.pathname.startsWith('/captured/')) {
        const runtime = decodeURIComponent(url.pathname.slice('/captured/'.length));
        const data = captured.get(runtime);
        return data === undefined
          ? reply(404, { error: 'nothing captured' })
          : reply(200, { data });
      }
      if (request.method !== 'POST' || url.pathname !== `/apps/${app.appId}/events`) {
        return reply(404, { error: 'not found' });
      }
      if (!signatureValid('POST', url, body, app))
        return reply(401, { error: 'invalid signature' });
      let event;
      try {
        event = JSON.parse(body);
      } catch {
        return reply(400, { error: 'body is not JSON' });
      }
      const channels = event.channels ?? [event.channel];
      let plaintext = event.data;
      if (channels.includes(encrypted.channel)) {
        plaintext = decrypt(encrypted.channel, event.data, masterKey);
        if (plaintext === undefined || !plaintext.includes(encrypted.secret)) {
          return reply(400, { error: 'encrypted data did not decrypt' });
        }
      }
      const runtime = JSON.parse(plaintext).runtime;
      if (channels.includes(encrypted.channel)) captured.set(runtime, event.data);
      received.set(runtime, [...(received.get(runtime) ?? []), event.name]);
      return reply(200, {});
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
