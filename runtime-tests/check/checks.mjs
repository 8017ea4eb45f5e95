/**
 * @module runtime-tests/check/checks
 * The one check every runtime runs against the packed @pushwire/sdk: the REST signing vector,
 * channel and user auth vectors, webhook verification (valid and invalid), an encryption round
 * trip, and real triggers against the signature-checking endpoint that run.mjs started.
 * Plain JavaScript with no imports: each runtime's entry passes the SDK module in.
 */

const DOCS = { appId: '3', key: '278d425bdf160c739803', secret: '7ad3773142a6692b25b8' };
const MASTER_KEY_BASE64 = 'zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=';
export const ENDPOINT_APP = { appId: '42', key: 'runtime-key', secret: 'runtime-secret' };
export const ENCRYPTED_CHANNEL = 'private-encrypted-runtime';
export const ENCRYPTED_SECRET = 'runtime-check-plaintext';

function equal(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

async function rejects(promise, what) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`${what}: expected a rejection`);
}

function restSigning(sdk) {
  const body = '{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}';
  const params = sdk.signRequest({
    method: 'POST',
    path: '/apps/3/events',
    key: DOCS.key,
    secret: DOCS.secret,
    timestamp: 1353088179,
    body,
  });
  equal(params.body_md5, 'ec365a775a4cd0599faeb73354201b6f', 'body_md5');
  equal(
    params.auth_signature,
    'da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c',
    'auth_signature',
  );
}

function channelAuth(sdk) {
  const pusher = new sdk.Pusher(DOCS);
  equal(
    pusher.authorizeChannel('1234.1234', 'private-foobar').auth,
    '278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4',
    'private auth',
  );
  const presence = pusher.authorizeChannel('1234.1234', 'presence-foobar', {
    user_id: 10,
    user_info: { name: 'Mr. Channels' },
  });
  equal(
    presence.auth,
    '278d425bdf160c739803:31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80',
    'presence auth',
  );
  equal(
    presence.channel_data,
    '{"user_id":10,"user_info":{"name":"Mr. Channels"}}',
    'channel_data',
  );
  const encrypted = new sdk.Pusher({
    appId: '1',
    key: 'foo',
    secret: 'bar',
    encryptionMasterKeyBase64: 'OHRXNUZRTG5pUTFzQlFGd3J3N3Q2VFZFc0paZDEweVk=',
  }).authorizeChannel('345.23', 'private-encrypted-channel');
  equal(
    encrypted.auth,
    'foo:fff0503dfe4929f5162efe4d1dacbce524b0d8e7e1331117a8651c0e74d369e3',
    'encrypted auth',
  );
  equal(encrypted.shared_secret, 'VmIsNZtCSteh8kazd2toc+ofhohBtUouQRSDtRvuyVI=', 'shared_secret');
  let refused = false;
  try {
    pusher.authorizeChannel('1234.1234', 'public-channel');
  } catch (error) {
    refused = error instanceof sdk.ValidationError;
  }
  equal(refused, true, 'public channel refused with a ValidationError');
}

function userAuth(sdk) {
  const result = new sdk.Pusher(DOCS).authenticateUser('1234.1234', { id: '12345' });
  equal(
    result.auth,
    '278d425bdf160c739803:4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba',
    'user auth',
  );
  equal(result.user_data, '{"id":"12345"}', 'user_data');
}

function webhooks(sdk) {
  const pusher = new sdk.Pusher({ appId: '1', key: '123456789', secret: 'tofu' });
  const body =
    '{"time_ms":1403175510755,"events":[{"channel":"test_channel","name":"channel_vacated"}]}';
  const headers = {
    'X-Pusher-Key': '123456789',
    'X-Pusher-Signature': 'c17257e92037cd7de407ebc1ed174ceb7b2e518db127f44411b9ffc4f5b28cc5',
    'Content-Type': 'application/json; charset=utf-8',
  };
  const valid = pusher.webhook({ headers, body });
  equal(valid.isValid(), true, 'valid webhook');
  equal(valid.events[0].name, 'channel_vacated', 'event name');
  equal(valid.time.getTime(), 1403175510755, 'time');
  const bytes = new TextEncoder().encode(body);
  equal(
    pusher.webhook({ headers: new Headers(headers), body: bytes }).isValid(),
    true,
    'Headers + bytes',
  );
  equal(
    pusher.webhook({ headers, body: body.replace('vacated', 'occupied') }).isValid(),
    false,
    'tampered',
  );
  const { 'X-Pusher-Signature': _signature, ...unsigned } = headers;
  equal(pusher.webhook({ headers: unsigned, body }).isValid(), false, 'missing signature');
  const rotated = { ...headers, 'X-Pusher-Key': '1234' };
  equal(
    pusher.webhook({ headers: rotated, body }).isValid([{ key: '1234', secret: 'tofu' }]),
    true,
    'extra token',
  );
  equal(
    pusher.webhook({ headers: rotated, body }).isValid([{ key: '1234', secret: 'x' }]),
    false,
    'key/secret pair',
  );
}

function endpointClient(sdk, env, options = {}) {
  const url = new URL(env.endpoint);
  const fetchOption = env.fetch === undefined ? {} : { fetch: env.fetch };
  return new sdk.Pusher({
    ...ENDPOINT_APP,
    host: url.hostname,
    port: Number(url.port),
    useTLS: false,
    timeout: 5000,
    ...fetchOption,
    ...options,
  });
}

async function realTrigger(sdk, env) {
  const pusher = endpointClient(sdk, env);
  try {
    await pusher.trigger('runtime-checks', 'checked', { runtime: env.runtime });
  } finally {
    pusher.close();
  }
  const forged = endpointClient(sdk, env, { secret: 'wrong-secret', retry: false });
  try {
    await rejects(
      forged.trigger('runtime-checks', 'forged', { runtime: env.runtime }),
      'wrong secret',
    );
  } finally {
    forged.close();
  }
}

async function encryptionRoundTrip(sdk, env) {
  const pusher = endpointClient(sdk, env, { encryptionMasterKeyBase64: MASTER_KEY_BASE64 });
  const plaintext = JSON.stringify({ secret: ENCRYPTED_SECRET, runtime: env.runtime });
  try {
    // The endpoint decrypts with tweetnacl + node:crypto on the host and refuses anything else.
    await pusher.trigger(ENCRYPTED_CHANNEL, 'sealed', {
      secret: ENCRYPTED_SECRET,
      runtime: env.runtime,
    });
  } finally {
    pusher.close();
  }
  const fetchFn = env.fetch ?? globalThis.fetch;
  const captured = await fetchFn(`${env.endpoint}/captured/${encodeURIComponent(env.runtime)}`, {
    method: 'GET',
  });
  equal(captured.status, 200, 'captured ciphertext status');
  const sealed = (await captured.json()).data;
  equal(sealed.includes(ENCRYPTED_SECRET), false, 'data is encrypted on the wire');
  // Open it again in this runtime, through an encrypted client event in a signed webhook.
  const body = JSON.stringify({
    time_ms: Date.now(),
    events: [
      {
        name: 'client_event',
        channel: ENCRYPTED_CHANNEL,
        event: 'client-x',
        data: sealed,
        socket_id: '1.1',
      },
    ],
  });
  const headers = {
    'x-pusher-key': ENDPOINT_APP.key,
    'x-pusher-signature': sdk.hmacSha256Hex(ENDPOINT_APP.secret, body),
    'content-type': 'application/json',
  };
  const reader = endpointClient(sdk, env, { encryptionMasterKeyBase64: MASTER_KEY_BASE64 });
  const webhook = reader.webhook({ headers, body });
  equal(webhook.isValid(undefined, { maxAgeMs: 60_000 }), true, 'encrypted webhook valid');
  equal(webhook.events[0].data, plaintext, 'decrypted data');
  reader.close();
}

/** Runs every check; resolves to { ok, checks: [{ name, ok, error? }] }. Never rejects. */
/**
 * Errors of one copy of the SDK are recognized by another's `isPusherError` (`other`: the same SDK
 * loaded through its other build), although `instanceof` cannot see across copies.
 */
function errorBrandAcrossCopies(sdk, other) {
  const mine = new sdk.ValidationError('field', 'from this copy');
  const theirs = new other.ValidationError('field', 'from the other copy');
  equal(mine instanceof other.PusherError, false, 'instanceof across copies (two classes)');
  equal(other.isPusherError(mine), true, 'isPusherError of the other copy');
  equal(sdk.isPusherError(theirs), true, 'isPusherError of this copy');
  equal(sdk.isPusherError(new Error('plain')), false, 'isPusherError of a plain Error');
}

/** `env.otherCopy`: the SDK through its other build, where the runtime has both (Node CJS). */
export async function runChecks(sdk, env) {
  const steps = [
    ['rest-signing', () => restSigning(sdk)],
    ['channel-auth', () => channelAuth(sdk)],
    ['user-auth', () => userAuth(sdk)],
    ['webhooks', () => webhooks(sdk)],
    ['trigger', () => realTrigger(sdk, env)],
    ['encryption', () => encryptionRoundTrip(sdk, env)],
  ];
  if (env.otherCopy !== undefined) {
    steps.push(['error-brand', () => errorBrandAcrossCopies(sdk, env.otherCopy)]);
  }
  const checks = [];
  for (const [name, step] of steps) {
    try {
      await step();
      checks.push({ name, ok: true });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      checks.push({ name, ok: false, error: message });
    }
  }
  return { ok: checks.every((check) => check.ok), checks };
}

/** The line a runtime prints for run.mjs to read. */
export const RESULT_PREFIX = 'PUSHWIRE_RUNTIME_RESULT ';
