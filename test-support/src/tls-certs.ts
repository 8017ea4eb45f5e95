/**
 * @module test-support/tls-certs
 * Makes a throwaway certificate authority and server certificates for 127.0.0.1 / localhost with
 * the `openssl` CLI, in a temporary directory removed after the test file, or one self-signed
 * certificate. A missing `openssl` is a test failure with instructions, never a skip.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';

/** One server certificate (and its key) signed by the test CA. */
export interface ServerCert {
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** SHA-256 fingerprint as node:tls reports it (`AA:BB:...`). */
  readonly fingerprint256: string;
}

export interface TestPki {
  readonly dir: string;
  readonly caPath: string;
  readonly caPem: string;
  /** Signs a new server certificate named `name` (a fresh key each time). */
  issue(name: string): ServerCert;
  /** Writes `cert` encrypted with `passphrase`, returns the path of the encrypted key. */
  encryptKey(cert: ServerCert, passphrase: string): string;
  /** Removes the directory. */
  remove(): void;
}

function openssl(args: readonly string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        'The TLS tests need the openssl CLI: install it (Debian: apt-get install openssl); .ci/run does',
      );
    }
    throw error;
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** The names of a self-signed certificate: its subject's common name and its subjectAltName. */
export interface CertNames {
  readonly commonName: string;
  readonly subjectAltName?: string;
}

const LOCALHOST: CertNames = {
  commonName: 'localhost',
  subjectAltName: 'DNS:localhost,IP:127.0.0.1',
};

/** A throwaway self-signed certificate and its key (PEM), for 127.0.0.1 and localhost by default. */
export function selfSignedCert(names: CertNames = LOCALHOST): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pushwire-cert-'));
  try {
    openssl(
      [
        'req',
        '-x509',
        ...EC_KEY,
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '2',
        '-subj',
        `/CN=${names.commonName}`,
        ...(names.subjectAltName === undefined
          ? []
          : ['-addext', `subjectAltName=${names.subjectAltName}`]),
      ],
      dir,
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Creates the CA in a new temporary directory. */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'pushwire-tls-'));
  openssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=pushwire test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  writeFileSync(
    join(dir, 'server.ext'),
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  const caPath = join(dir, 'ca.crt');
  return {
    dir,
    caPath,
    caPem: readFileSync(caPath, 'utf8'),
    issue(name) {
      openssl(
        [
          'req',
          ...EC_KEY,
          '-keyout',
          `${name}.key`,
          '-out',
          `${name}.csr`,
          '-subj',
          '/CN=localhost',
        ],
        dir,
      );
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `${name}.csr`,
          '-CA',
          'ca.crt',
          '-CAkey',
          'ca.key',
          '-CAcreateserial',
          '-out',
          `${name}.crt`,
          '-days',
          '2',
          '-extfile',
          'server.ext',
        ],
        dir,
      );
      const certPath = join(dir, `${name}.crt`);
      const keyPath = join(dir, `${name}.key`);
      const certPem = readFileSync(certPath, 'utf8');
      return {
        certPath,
        keyPath,
        certPem,
        keyPem: readFileSync(keyPath, 'utf8'),
        fingerprint256: new X509Certificate(certPem).fingerprint256,
      };
    },
    encryptKey(cert, passphrase) {
      const out = `${cert.keyPath}.enc`;
      openssl(
        ['pkey', '-in', cert.keyPath, '-out', out, '-aes256', '-passout', `pass:${passphrase}`],
        dir,
      );
      return out;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The SHA-256 fingerprint of the certificate a new TLS connection to `port` is served. */
export function peerFingerprint(port: number, caPem: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect(
      { host: '127.0.0.1', servername: 'localhost', port, ca: caPem },
      () => {
        const fingerprint = socket.getPeerCertificate().fingerprint256;
        socket.end();
        resolve(fingerprint);
      },
    );
    socket.on('error', reject);
  });
}
