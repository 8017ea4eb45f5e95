/**
 * The client's higher-level features against the fake API: fan-out helpers, encrypted triggers,
 * webhooks, native push, the gem-style global default, and the logger.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  decryptData,
  HTTPError,
  Pusher,
  parseMasterKey,
  ServerError,
  ValidationError,
} from '../src/index';
import { clientFor, fakeApi, TEST_APP_ID } from './helpers/clients';
import { TEST_KEY, TEST_SECRET } from './helpers/fake-pusher-api';

const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');

describe('triggerMany', () => {
  it('splits channels into requests of at most 100, encrypted channels alone, in order', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api, { encryptionMasterKeyBase64: MASTER_KEY });
    const channels = [
      ...Array.from({ length: 250 }, (_, i) => `room-${i}`),
      'private-encrypted-a',
      'private-encrypted-b',
    ];
    const result = await pusher.triggerMany(
      channels,
      'news',
      { headline: 'hi' },
      { concurrency: 2 },
    );
    expect(result.ok).toBe(true);
    expect(result.failed).toEqual([]);
    expect(result.chunks.map((chunk) => chunk.items.length)).toEqual([100, 100, 1, 1, 50]);
    const sent = api.requests.flatMap((request) => JSON.parse(request.body).channels as string[]);
    expect(new Set(sent)).toEqual(new Set(channels));
    expect(sent).toHaveLength(channels.length);
    const encrypted = api.requests.find((request) => request.body.includes('private-encrypted-a'));
    const data = JSON.parse(encrypted?.body ?? '').data as string;
    expect(decryptData('private-encrypted-a', data, parseMasterKey(MASTER_KEY))).toBe(
      '{"headline":"hi"}',
    );
  });

  it('reports a failed chunk with its error while the others succeed', async () => {
    const api = await fakeApi();
    api.handler = (request) =>
      request.body.includes('"bad-0"')
        ? { status: 500, body: 'broken' }
        : { status: 200, body: '{}' };
    const pusher = clientFor(api, { limits: { maxChannelsPerTrigger: 2 } });
    const result = await pusher.triggerMany(['a', 'b', 'bad-0', 'c', 'd'], 'e', 'x');
    expect(result.ok).toBe(false);
    expect(result.chunks.map((chunk) => chunk.ok)).toEqual([true, false, true]);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]?.items).toEqual(['bad-0', 'c']);
    expect(result.failed[0]?.error).toBeInstanceOf(ServerError);
  });

  it('never has more than `concurrency` requests in flight', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api, { limits: { maxChannelsPerTrigger: 1 } });
    let inFlight = 0;
    let peak = 0;
    const fetchCounting = async (url: string, init: Parameters<typeof fetch>[1]) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await fetch(url, init);
      } finally {
        inFlight--;
      }
    };
    const counted = clientFor(api, { fetch: fetchCounting, limits: { maxChannelsPerTrigger: 1 } });
    const result = await counted.triggerMany(
      Array.from({ length: 12 }, (_, i) => `c${i}`),
      'e',
      'x',
      { concurrency: 3 },
    );
    expect(result.ok).toBe(true);
    expect(peak).toBeLessThanOrEqual(3);
    expect(api.requests).toHaveLength(12);
    expect(pusher.limits.maxChannelsPerTrigger).toBe(1);
  });
});

describe('triggerBatchMany', () => {
  it('splits events into batches of 10 and reports each', async () => {
    const api = await fakeApi();
    api.handler = (_request, index) =>
      index === 1 ? { status: 503, body: '' } : { status: 200, body: '{}' };
    const pusher = clientFor(api);
    const events = Array.from({ length: 25 }, (_, i) => ({ channel: `c${i}`, name: 'e', data: i }));
    const result = await pusher.triggerBatchMany(events);
    expect(result.chunks.map((chunk) => chunk.items.length)).toEqual([10, 10, 5]);
    expect(result.ok).toBe(false);
    expect(result.failed[0]?.items[0]).toEqual(events[10]);
    expect(api.requests.map((request) => JSON.parse(request.body).batch.length)).toEqual([
      10, 10, 5,
    ]);
  });
});

describe('encrypted channels', () => {
  it('encrypts string data as is (Ruby/Go behaviour) and objects as JSON', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api, { encryptionMasterKeyBase64: MASTER_KEY });
    const key = parseMasterKey(MASTER_KEY);
    await pusher.trigger('private-encrypted-room', 'e', 'hello');
    await pusher.trigger('private-encrypted-room', 'e', { a: 1 });
    await pusher.triggerBatch([{ channel: 'private-encrypted-room', name: 'e', data: '"quoted"' }]);
    const data = api.requests.map((request) => {
      const body = JSON.parse(request.body);
      return (body.data ?? body.batch[0].data) as string;
    });
    expect(decryptData('private-encrypted-room', data[0] ?? '', key)).toBe('hello');
    expect(decryptData('private-encrypted-room', data[1] ?? '', key)).toBe('{"a":1}');
    expect(decryptData('private-encrypted-room', data[2] ?? '', key)).toBe('"quoted"');
  });

  it('authorizeChannel returns the shared secret of an encrypted channel', () => {
    const pusher = clientFor(
      { host: '127.0.0.1', port: 1 },
      { encryptionMasterKeyBase64: MASTER_KEY },
    );
    const auth = pusher.authorizeChannel('1.2', 'private-encrypted-room');
    expect(auth.auth.startsWith(`${TEST_KEY}:`)).toBe(true);
    expect(typeof auth.shared_secret).toBe('string');
  });
});

describe('auth wrappers', () => {
  it('authorizeChannel / authenticateUser give the documented signatures', () => {
    const pusher = new Pusher({
      appId: '1',
      key: '278d425bdf160c739803',
      secret: '7ad3773142a6692b25b8',
    });
    expect(pusher.authorizeChannel('1234.1234', 'private-foobar')).toEqual({
      auth: '278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4',
    });
    expect(pusher.authenticateUser('1234.1234', { id: '12345' })).toEqual({
      auth: '278d425bdf160c739803:4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba',
      user_data: '{"id":"12345"}',
    });
    expect(() => pusher.authorizeChannel('bad', 'private-foobar')).toThrow(ValidationError);
  });
});

describe('webhooks', () => {
  const body =
    '{"time_ms":1403175510755,"events":[{"channel":"test_channel","name":"channel_vacated"}]}';
  const signature = createHmac('sha256', TEST_SECRET).update(body).digest('hex');
  const headers = {
    'x-pusher-key': TEST_KEY,
    'x-pusher-signature': signature,
    'content-type': 'application/json',
  };

  it('webhook({ headers, body }) verifies with the client credentials', () => {
    const pusher = clientFor({ host: '127.0.0.1', port: 1 });
    const hook = pusher.webhook({ headers, body });
    expect(hook.isValid()).toBe(true);
    expect(hook.events[0]?.name).toBe('channel_vacated');
    expect(pusher.webhook({ headers, body: `${body} ` }).isValid()).toBe(false);
  });

  it('webhookFromRequest reads a Fetch API Request', async () => {
    const pusher = clientFor({ host: '127.0.0.1', port: 1 });
    const request = new Request('http://app/webhooks', { method: 'POST', headers, body });
    const hook = await pusher.webhookFromRequest(request);
    expect(hook.isValid()).toBe(true);
  });
});

describe('notify', () => {
  it('POSTs the gem rc2 body to /server_api/v1/apps/{id}/notifications, signed', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api, {
      notificationHost: `127.0.0.1:${api.port}`,
      notificationScheme: 'http',
      host: 'unused.invalid',
    });
    api.handler = () => ({ status: 202, body: '{"number_of_subscribers":1}' });
    const payload = { gcm: { notification: { title: 'Hello', icon: 'icon' } } };
    const result = await pusher.notify(['test'], payload);
    expect(result).toEqual({ number_of_subscribers: 1 });
    const request = api.requests[0];
    expect(request?.path).toBe(`/server_api/v1/apps/${TEST_APP_ID}/notifications`);
    expect(request?.signatureProblem).toBeUndefined();
    expect(request?.body).toBe(
      '{"gcm":{"notification":{"title":"Hello","icon":"icon"}},"interests":["test"]}',
    );
    expect(request?.headers['content-type']).toBe('application/json');
  });

  it('invalid payloads reject with a ValidationError and send nothing', async () => {
    const api = await fakeApi();
    const pusher = clientFor(api, {
      notificationHost: `127.0.0.1:${api.port}`,
      notificationScheme: 'http',
    });
    await expect(pusher.notify(['a', 'b'], { apns: {} })).rejects.toBeInstanceOf(ValidationError);
    expect(api.requests).toHaveLength(0);
  });
});

describe('global default client (gem style)', () => {
  afterEach(() => {
    Pusher.resetDefaultClient();
    vi.unstubAllEnvs();
  });

  it('Pusher.configure then Pusher.trigger / channels / authorizeChannel', async () => {
    const api = await fakeApi();
    Pusher.configure({
      appId: TEST_APP_ID,
      key: TEST_KEY,
      secret: TEST_SECRET,
      host: api.host,
      port: api.port,
      useTLS: false,
    });
    await Pusher.trigger('c', 'e', 'd');
    await Pusher.channels();
    await Pusher.channel('c').trigger('e2', 'd');
    expect(api.requests.map((request) => request.path)).toEqual([
      `/apps/${TEST_APP_ID}/events`,
      `/apps/${TEST_APP_ID}/channels`,
      `/apps/${TEST_APP_ID}/events`,
    ]);
    expect(Pusher.authorizeChannel('1.1', 'private-x').auth.startsWith(`${TEST_KEY}:`)).toBe(true);
  });

  it('is built lazily from PUSHER_URL', async () => {
    const api = await fakeApi();
    vi.stubEnv(
      'PUSHER_URL',
      `http://${TEST_KEY}:${TEST_SECRET}@127.0.0.1:${api.port}/apps/${TEST_APP_ID}`,
    );
    await Pusher.triggerBatch([{ channel: 'c', name: 'e', data: 'd' }]);
    expect(api.requests[0]?.signatureProblem).toBeUndefined();
    expect(Pusher.defaultClient.appId).toBe(TEST_APP_ID);
  });

  it('without configuration or PUSHER_URL, async statics reject with a ConfigurationError', async () => {
    vi.stubEnv('PUSHER_URL', '');
    await expect(Pusher.trigger('c', 'e', 'd')).rejects.toThrow(/PUSHER_URL is not set/);
  });
});

describe('logger', () => {
  it('logs requests at debug without secrets or signatures; quiet by default', async () => {
    const api = await fakeApi();
    const lines: string[] = [];
    const log = (message: string) => lines.push(message);
    const pusher = clientFor(api, { logger: { debug: log, info: log, warn: log, error: log } });
    await pusher.trigger('c', 'e', 'd');
    await pusher.channels({ prefix: 'presence-' });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`POST /apps/${TEST_APP_ID}/events -> 200`));
    const all = lines.join('\n');
    expect(all).not.toContain(TEST_SECRET);
    expect(all).not.toContain('auth_signature');
    expect(all).not.toContain(api.requests[0]?.query['auth_signature'] ?? 'none');
  });

  it('transport errors still surface as HTTPError with a logger attached', async () => {
    const pusher = clientFor({ host: '127.0.0.1', port: 1 }, { logger: {} });
    await expect(pusher.channels()).rejects.toBeInstanceOf(HTTPError);
  });
});
