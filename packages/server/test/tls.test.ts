/**
 * TLS on `listen()`: HTTPS and WSS on one port with a certificate made by the test (openssl),
 * driven by `@pushwire/sdk` (`useTLS: true`), by pusher-js (`forceTLS: true`, a child process
 * trusting the test CA through NODE_EXTRA_CA_CERTS) and by raw node:tls / `ws` clients; the
 * certificate swapped by `reloadTls()` while a connection stays open; bad files refused at startup
 * with a ServerConfigError naming the file and never quoting it.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pusher } from '@pushwire/sdk';
import {
  createTestPki,
  peerFingerprint as fingerprintAt,
  type ServerCert,
  type TestPki,
} from '@pushwire/test-support';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  createServer,
  loadServerOptions,
  optionsFromEnv,
  ServerConfigError,
  type ServerOptions,
} from '../src/index';
import { APP, RawClient } from './ws-helpers';

const PUSHER_JS_CLIENT = fileURLToPath(
  new URL('./fixtures/pusher-js-tls-client.mjs', import.meta.url),
);
const PASSPHRASE = 'correct horse battery staple';

let pki: TestPki;
let certA: ServerCert;
let certB: ServerCert;

beforeAll(() => {
  pki = createTestPki();
  certA = pki.issue('a');
  certB = pki.issue('b');
});
afterAll(() => pki.remove());

async function startTlsServer(tls: NonNullable<ServerOptions['tls']>, extra: ServerOptions = {}) {
  const server = createServer({ port: 0, logLevel: 'silent', apps: [APP], tls, ...extra });
  onTestFinished(() => server.close());
  const address = await server.listen();
  return { server, address };
}

/** The SDK over HTTPS trusting the test CA (`ca` on Node; Bun's fetch takes `tls.ca`). */
function sdkClient(port: number): Pusher {
  const ca = pki.caPem;
  const bunFetch = (url: string, init: object) =>
    fetch(url, { ...init, tls: { ca } } as RequestInit) as never;
  return new Pusher({
    appId: APP.id,
    key: APP.key,
    secret: APP.secret,
    host: '127.0.0.1',
    port,
    useTLS: true,
    retry: false,
    ...(process.versions['bun'] === undefined ? { ca } : { fetch: bunFetch }),
  });
}

/**
 * Node's executable under Bun: `bun --bun` puts a `node` that is Bun first on the PATH, and the
 * client must run on Node (the server is what runs on Bun).
 */
function nodeOnPath(): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    if (!existsSync(candidate)) continue;
    if (!basename(realpathSync(candidate)).startsWith('bun')) return candidate;
  }
  throw new Error('the pusher-js TLS client needs Node on the PATH');
}

/** pusher-js in a Node child process; resolves each printed line in order. */
function startPusherJs(port: number, channel: string) {
  const node = process.versions['bun'] === undefined ? process.execPath : nodeOnPath();
  const child = spawn(node, [PUSHER_JS_CLIENT, String(port), APP.key, channel], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: pki.caPath },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { test: (line: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  const waitFor = (test: (line: Record<string, unknown>) => boolean) =>
    lines.some(test)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ test, resolve }));
  return { lines, waitFor };
}

function configError(run: () => unknown): Promise<ServerConfigError> {
  return Promise.resolve()
    .then(run)
    .then(
      () => {
        throw new Error('expected a ServerConfigError');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(ServerConfigError);
        return error as ServerConfigError;
      },
    );
}

/** The fingerprint of the certificate served on `port`, trusted through the test CA. */
const fingerprintOf = (port: number) => fingerprintAt(port, pki.caPem);

describe('TLS', () => {
  it('serves the SDK (useTLS) and pusher-js (forceTLS) on one HTTPS/WSS port', async () => {
    const { address } = await startTlsServer({ cert: certA.certPath, key: certA.keyPath });
    expect(address.url).toBe(`https://127.0.0.1:${address.port}`);
    expect(address.tls).toBe(true);

    const client = startPusherJs(address.port, 'news');
    await client.waitFor((line) => line['subscribed'] === 'news');
    const sdk = sdkClient(address.port);
    await sdk.trigger('news', 'headline', { title: 'over TLS' });
    await client.waitFor((line) => line['event'] === 'headline');
    expect(client.lines).toContainEqual({ event: 'headline', data: { title: 'over TLS' } });

    expect(await sdk.channels()).toEqual({ channels: { news: {} } });
    expect(await fingerprintOf(address.port)).toBe(certA.fingerprint256);
  });

  it('refuses plain HTTP on a TLS port', async () => {
    const { address } = await startTlsServer({ cert: certA.certPath, key: certA.keyPath });
    const outcome = await fetch(`http://127.0.0.1:${address.port}/health`).then(
      (response) => `status ${response.status}`,
      () => 'failed',
    );
    expect(outcome).not.toBe('status 200');
  });

  it('takes an encrypted key with its passphrase, and a CA chain file', async () => {
    const encrypted = pki.encryptKey(certA, PASSPHRASE);
    const { address } = await startTlsServer({
      cert: certA.certPath,
      key: encrypted,
      passphrase: PASSPHRASE,
      ca: pki.caPath,
    });
    expect(await fingerprintOf(address.port)).toBe(certA.fingerprint256);
  });

  it('reloadTls(): open connections stay, new ones get the new certificate', async () => {
    const dir = join(pki.dir, 'live');
    const certPath = `${dir}-cert.pem`;
    const keyPath = `${dir}-key.pem`;
    copyFileSync(certA.certPath, certPath);
    copyFileSync(certA.keyPath, keyPath);
    const { server, address } = await startTlsServer({ cert: certPath, key: keyPath });

    const open = new RawClient(
      `wss://127.0.0.1:${address.port}/app/${APP.key}?protocol=7&client=js&version=8.6.0`,
      { ca: pki.caPem },
    );
    await open.join('before-reload');
    expect(await fingerprintOf(address.port)).toBe(certA.fingerprint256);

    copyFileSync(certB.certPath, certPath);
    copyFileSync(certB.keyPath, keyPath);
    server.reloadTls();

    expect(await fingerprintOf(address.port)).toBe(certB.fingerprint256);
    // The connection opened before the reload still works both ways.
    await sdkClient(address.port).trigger('before-reload', 'still-here', { n: 1 });
    const frame = await open.event('still-here', 'before-reload');
    expect(JSON.parse(frame.data as string)).toEqual({ n: 1 });
    open.send({ event: 'pusher:ping', data: {} });
    await open.event('pusher:pong');
    expect(server.connectionCount).toBe(1);
  });

  it('a failed reload keeps the old certificate and names the bad file', async () => {
    const certPath = join(pki.dir, 'reload-fail-cert.pem');
    const keyPath = join(pki.dir, 'reload-fail-key.pem');
    copyFileSync(certA.certPath, certPath);
    copyFileSync(certA.keyPath, keyPath);
    const { server, address } = await startTlsServer({ cert: certPath, key: keyPath });
    copyFileSync(certB.certPath, certPath); // the key is still A's
    const error = await configError(() => server.reloadTls());
    expect(error.option).toBe('tls.key');
    expect(error.message).toContain(keyPath);
    expect(await fingerprintOf(address.port)).toBe(certA.fingerprint256);
  });

  it('reloadTls() without tls, or before listen(), is an error', async () => {
    const plain = createServer({ port: 0, logLevel: 'silent', apps: [APP] });
    expect(() => plain.reloadTls()).toThrow(ServerConfigError);
    const idle = createServer({
      port: 0,
      logLevel: 'silent',
      apps: [APP],
      tls: { cert: certA.certPath, key: certA.keyPath },
    });
    expect(() => idle.reloadTls()).toThrow('not listening');
  });
});

describe('TLS configuration errors at startup', () => {
  const listenWith = (tls: NonNullable<ServerOptions['tls']>) => () =>
    createServer({ port: 0, logLevel: 'silent', apps: [APP], tls }).listen();

  it('a missing file names the option and the path', async () => {
    const missing = join(pki.dir, 'nope.pem');
    const error = await configError(listenWith({ cert: missing, key: certA.keyPath }));
    expect(error.option).toBe('tls.cert');
    expect(error.message).toContain(missing);
    expect(error.message).toContain('ENOENT');
  });

  it('a key that does not belong to the certificate', async () => {
    const error = await configError(listenWith({ cert: certA.certPath, key: certB.keyPath }));
    expect(error.option).toBe('tls.key');
    expect(error.message).toContain(certB.keyPath);
    expect(error.message).toContain('does not belong to the certificate');
    expect(error.message).not.toContain('PRIVATE KEY');
  });

  it('a file that is not PEM, an encrypted key without or with a wrong passphrase', async () => {
    const garbage = join(pki.dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate\n');
    expect((await configError(listenWith({ cert: garbage, key: certA.keyPath }))).option).toBe(
      'tls.cert',
    );
    expect((await configError(listenWith({ cert: certA.certPath, key: garbage }))).option).toBe(
      'tls.key',
    );
    const encrypted = pki.encryptKey(certA, PASSPHRASE);
    const noPassphrase = await configError(listenWith({ cert: certA.certPath, key: encrypted }));
    expect(noPassphrase.message).toContain('passphrase');
    const wrong = await configError(
      listenWith({ cert: certA.certPath, key: encrypted, passphrase: 'wrong-passphrase-xyz' }),
    );
    expect(wrong.option).toBe('tls.key');
    expect(wrong.message).not.toContain('wrong-passphrase-xyz');
    expect(
      (await configError(listenWith({ cert: certA.certPath, key: certA.keyPath, ca: garbage })))
        .option,
    ).toBe('tls.ca');
    const damaged = join(pki.dir, 'damaged-ca.pem');
    writeFileSync(damaged, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const refused = await configError(
      listenWith({ cert: certA.certPath, key: certA.keyPath, ca: damaged }),
    );
    expect(refused.option).toBe('tls.ca');
    expect(refused.message).toContain(damaged);
  });

  it('the option shape is checked when the server is created', async () => {
    const create = (tls: unknown) => () =>
      createServer({ logLevel: 'silent', tls: tls as NonNullable<ServerOptions['tls']> });
    expect((await configError(create({ cert: certA.certPath }))).option).toBe('tls.key');
    expect((await configError(create({ cert: '', key: 'k' }))).option).toBe('tls.cert');
    expect((await configError(create({ cert: 'c', key: 'k', pem: 'x' }))).option).toBe('tls.pem');
  });

  it('attach() refuses the tls option (it serves the server it is given)', async () => {
    const { createServer: createHttpServer } = await import('node:http');
    const server = createServer({
      logLevel: 'silent',
      apps: [APP],
      tls: { cert: certA.certPath, key: certA.keyPath },
    });
    expect((await configError(() => server.attach(createHttpServer()))).option).toBe('tls');
  });
});

describe('TLS options from the config file and the environment', () => {
  it('PUSHWIRE_TLS_* set the fields; the layers merge field by field', () => {
    expect(
      optionsFromEnv({
        PUSHWIRE_TLS_CERT: certA.certPath,
        PUSHWIRE_TLS_KEY: certA.keyPath,
        PUSHWIRE_TLS_CA: pki.caPath,
      }),
    ).toEqual({ tls: { cert: certA.certPath, key: certA.keyPath, ca: pki.caPath } });
    // The passphrase alone in the environment, the paths in the config file.
    const file = join(pki.dir, 'pushwire.json');
    writeFileSync(file, JSON.stringify({ tls: { cert: certA.certPath, key: certA.keyPath } }));
    const merged = loadServerOptions({
      configPath: file,
      env: { PUSHWIRE_TLS_PASSPHRASE: PASSPHRASE },
      flags: { tls: { cert: certB.certPath } as NonNullable<ServerOptions['tls']> },
    });
    expect(merged.tls).toEqual({
      cert: certB.certPath,
      key: certA.keyPath,
      passphrase: PASSPHRASE,
    });
  });

  it('a passphrase alone in the environment is accepted (the paths come from another layer)', () => {
    expect(optionsFromEnv({ PUSHWIRE_TLS_PASSPHRASE: ' spaced passphrase ' })).toEqual({
      tls: { passphrase: ' spaced passphrase ' },
    });
    // Once merged, the paths are required.
    expect(() =>
      createServer({
        logLevel: 'silent',
        ...loadServerOptions({ env: { PUSHWIRE_TLS_PASSPHRASE: 'x' } }),
      }),
    ).toThrow('tls.cert');
  });
});
