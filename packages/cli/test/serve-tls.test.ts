/**
 * `pushwire serve` with TLS, as a child process: the flags and the PUSHWIRE_TLS_* environment,
 * the https banner, SIGHUP re-reading the certificate files while a WSS connection stays open (a
 * bad file is reported and the old certificate kept), and a clear exit-2 error for a missing file.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createTestPki,
  peerFingerprint as fingerprintAt,
  type ServerCert,
  type TestPki,
} from '@pushwire/test-support';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { runCli } from './helpers/built-bin';
import { startServe, waitForOutput } from './helpers/serve-process';

let pki: TestPki;
let certA: ServerCert;
let certB: ServerCert;

beforeAll(() => {
  pki = createTestPki();
  certA = pki.issue('a');
  certB = pki.issue('b');
});
afterAll(() => pki.remove());

/** The fingerprint of the certificate served on `port`, trusted through the test CA. */
const fingerprintOf = (port: number) => fingerprintAt(port, pki.caPem);

describe('pushwire serve with TLS', () => {
  it('serves https/wss and re-reads the certificate on SIGHUP without dropping connections', async () => {
    const certPath = join(pki.dir, 'cli-cert.pem');
    const keyPath = join(pki.dir, 'cli-key.pem');
    copyFileSync(certA.certPath, certPath);
    copyFileSync(certA.keyPath, keyPath);
    const serve = await startServe(['--tls-cert', certPath, '--tls-key', keyPath]);
    onTestFinished(() => serve.stop().then(() => undefined));
    const banner = serve.output().stdout;
    expect(banner).toContain(`listening on https://127.0.0.1:${serve.port}`);
    expect(banner).toContain('forceTLS: true');
    expect(banner).toContain(`PUSHER_URL=https://app-key:app-secret@127.0.0.1:${serve.port}`);
    expect(await fingerprintOf(serve.port)).toBe(certA.fingerprint256);

    const socket = new WebSocket(`wss://127.0.0.1:${serve.port}/app/app-key?protocol=7`, {
      ca: pki.caPem,
    });
    onTestFinished(() => socket.terminate());
    const frames: string[] = [];
    socket.on('message', (data) => frames.push(String(data)));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    let closed = false;
    socket.on('close', () => {
      closed = true;
    });

    copyFileSync(certB.certPath, certPath);
    copyFileSync(certB.keyPath, keyPath);
    serve.child.kill('SIGHUP');
    await waitForOutput(serve.output, 'TLS certificate reloaded');
    expect(await fingerprintOf(serve.port)).toBe(certB.fingerprint256);

    // A bad file: reported, the certificate in use stays.
    copyFileSync(certA.certPath, certPath);
    serve.child.kill('SIGHUP');
    await waitForOutput(serve.output, 'TLS certificate NOT reloaded');
    expect(serve.output().stderr).toContain(keyPath);
    expect(await fingerprintOf(serve.port)).toBe(certB.fingerprint256);

    // The connection opened before both signals still answers.
    socket.send(JSON.stringify({ event: 'pusher:ping', data: {} }));
    const deadline = Date.now() + 5_000;
    while (!frames.some((frame) => frame.includes('pusher:pong')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(frames.some((frame) => frame.includes('pusher:pong'))).toBe(true);
    expect(closed).toBe(false);
    expect(serve.child.exitCode).toBeNull();
  });

  it('reads the paths from PUSHWIRE_TLS_CERT / PUSHWIRE_TLS_KEY', async () => {
    const serve = await startServe([], {
      PUSHWIRE_TLS_CERT: certA.certPath,
      PUSHWIRE_TLS_KEY: certA.keyPath,
    });
    onTestFinished(() => serve.stop().then(() => undefined));
    expect(serve.output().stdout).toContain('listening on https://');
    expect(await fingerprintOf(serve.port)).toBe(certA.fingerprint256);
  });

  it('a missing file is a configuration error (exit 2) naming the file', async () => {
    const missing = join(pki.dir, 'missing-cert.pem');
    const result = await runCli([
      'serve',
      '--port',
      '0',
      '--tls-cert',
      missing,
      '--tls-key',
      certA.keyPath,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(missing);
    expect(result.stderr).toContain('tls.cert');
    expect(result.stderr).not.toContain('PRIVATE KEY');
  });

  it('a key without a certificate is a configuration error', async () => {
    const result = await runCli(['serve', '--port', '0', '--tls-key', certA.keyPath]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('tls.cert');
  });
});
