/**
 * @module transports/tls-material
 * Reads the `tls` option's files (certificate, key, CA chain) and checks them before a transport
 * uses them: every file readable, the certificate a PEM certificate, the key decryptable with the
 * passphrase and belonging to the certificate. Each failure is a ServerConfigError naming the
 * option and the file; no file content or passphrase ever appears in it.
 */
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ServerConfigError } from '../config-error';
import type { ResolvedTlsOptions } from '../options/types';

/** The PEM contents a transport serves with (Node's and Bun's `tls` options take this shape). */
export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly ca?: string;
  readonly passphrase?: string;
}

/** Larger certificate or key files are refused (a PEM chain is a few kilobytes). */
const MAX_PEM_FILE_BYTES = 1_048_576;
const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';
const PEM_CERTIFICATE_BLOCKS = /-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

function readPem(path: string, option: string): string {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ServerConfigError(option, `cannot read the file (${code})`, path);
  }
  if (data.length > MAX_PEM_FILE_BYTES) {
    throw new ServerConfigError(option, `is larger than ${MAX_PEM_FILE_BYTES} bytes`, path);
  }
  return data.toString('utf8');
}

function parseCertificate(pem: string, path: string): X509Certificate {
  if (!pem.includes(PEM_CERTIFICATE)) {
    throw new ServerConfigError('tls.cert', 'is not a PEM certificate (BEGIN CERTIFICATE)', path);
  }
  try {
    return new X509Certificate(pem);
  } catch {
    throw new ServerConfigError('tls.cert', 'holds a certificate that cannot be parsed', path);
  }
}

/** Every certificate of the CA chain file must parse (Node would skip a damaged one silently). */
function checkCaChain(pem: string, path: string): void {
  const blocks = pem.match(PEM_CERTIFICATE_BLOCKS) ?? [];
  if (blocks.length === 0) {
    throw new ServerConfigError('tls.ca', 'is not a PEM certificate (BEGIN CERTIFICATE)', path);
  }
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch {
      throw new ServerConfigError(
        'tls.ca',
        `holds a certificate that cannot be parsed (number ${index + 1} in the file)`,
        path,
      );
    }
  });
}

function parseKey(pem: string, path: string, passphrase: string | undefined): KeyObject {
  if (!PEM_PRIVATE_KEY.test(pem)) {
    throw new ServerConfigError(
      'tls.key',
      'is not a PEM private key (BEGIN ... PRIVATE KEY)',
      path,
    );
  }
  try {
    return createPrivateKey(passphrase === undefined ? pem : { key: pem, passphrase });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const encrypted = /ENCRYPTED/.test(pem);
    if (encrypted && passphrase === undefined) {
      throw new ServerConfigError(
        'tls.key',
        'is encrypted: give its passphrase (tls.passphrase, env PUSHWIRE_TLS_PASSPHRASE)',
        path,
      );
    }
    if (encrypted || code === 'ERR_OSSL_BAD_DECRYPT') {
      throw new ServerConfigError(
        'tls.key',
        'cannot be decrypted with the passphrase given (tls.passphrase)',
        path,
      );
    }
    throw new ServerConfigError('tls.key', 'holds a private key that cannot be parsed', path);
  }
}

/**
 * Reads and checks the files of `tls`.
 * @throws {ServerConfigError} naming the option and file that is missing, unreadable or wrong.
 */
export function loadTlsMaterial(tls: ResolvedTlsOptions): TlsMaterial {
  const cert = readPem(tls.cert, 'tls.cert');
  const key = readPem(tls.key, 'tls.key');
  const ca = tls.ca === undefined ? undefined : readPem(tls.ca, 'tls.ca');
  if (ca !== undefined && tls.ca !== undefined) checkCaChain(ca, tls.ca);
  const certificate = parseCertificate(cert, tls.cert);
  const privateKey = parseKey(key, tls.key, tls.passphrase);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ServerConfigError(
      'tls.key',
      `does not belong to the certificate ${tls.cert}`,
      tls.key,
    );
  }
  const material: TlsMaterial = Object.freeze({
    cert,
    key,
    ...(ca === undefined ? {} : { ca }),
    ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
  });
  checkUsable(material, tls);
  return material;
}

/** What the TLS library itself refuses (e.g. a damaged certificate in the CA chain file). */
function checkUsable(material: TlsMaterial, tls: ResolvedTlsOptions): void {
  try {
    createSecureContext(material);
  } catch (error) {
    // Only the error code: OpenSSL's message is safe today, but the key's file is not ours to echo.
    const code = (error as { code?: unknown }).code;
    const reason = typeof code === 'string' ? ` (${code})` : '';
    const option = tls.ca === undefined ? 'tls.cert' : 'tls.ca';
    throw new ServerConfigError(
      option,
      `is refused by the TLS library${reason}`,
      tls.ca ?? tls.cert,
    );
  }
}
