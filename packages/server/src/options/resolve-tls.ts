/**
 * @module options/resolve-tls
 * Validates the `tls` option's shape (file paths and a passphrase); the files are read and checked
 * when the server starts (transports/tls-material).
 */
import { ServerConfigError } from '../config-error';
import type { ResolvedTlsOptions } from './types';
import { readObject, readString, rejectUnknownKeys } from './validate';

const TLS_KEYS = ['cert', 'key', 'ca', 'passphrase'];

/** The `tls` option, or undefined when TLS is off. */
export function resolveTls(value: unknown): ResolvedTlsOptions | undefined {
  if (value === undefined) return undefined;
  const raw = readObject(value, 'tls', 'an object { cert, key, ca?, passphrase? }');
  rejectUnknownKeys(raw, TLS_KEYS, 'tls');
  for (const field of ['cert', 'key'] as const) {
    if (raw[field] === undefined) {
      throw new ServerConfigError(
        `tls.${field}`,
        'is required with TLS (the path of a PEM file; flag --tls-cert / --tls-key, env PUSHWIRE_TLS_CERT / PUSHWIRE_TLS_KEY)',
      );
    }
  }
  const cert = readString(raw['cert'], 'tls.cert');
  const key = readString(raw['key'], 'tls.key');
  const ca = raw['ca'] === undefined ? undefined : readString(raw['ca'], 'tls.ca');
  const passphrase =
    raw['passphrase'] === undefined ? undefined : readString(raw['passphrase'], 'tls.passphrase');
  return Object.freeze({
    cert,
    key,
    ...(ca === undefined ? {} : { ca }),
    ...(passphrase === undefined ? {} : { passphrase }),
  });
}
