/**
 * @module options/resolve-cors
 * Validates the `cors` option: the allowed origins (each `scheme://host[:port]`, or `'*'`), the
 * request headers a browser may send, and the preflight cache time.
 */
import { ServerConfigError } from '../config-error';
import type { ResolvedCorsOptions } from './types';
import { readArray, readInteger, readObject, readString, rejectUnknownKeys } from './validate';

const CORS_KEYS = ['origins', 'headers', 'maxAgeSec'];

/** Request headers allowed when `cors.headers` is not set. */
export const DEFAULT_CORS_HEADERS: readonly string[] = Object.freeze([
  'Content-Type',
  'Authorization',
  'X-Requested-With',
]);
/** Preflight cache time when `cors.maxAgeSec` is not set. */
export const DEFAULT_CORS_MAX_AGE_SEC = 600;
/** Browsers cap the preflight cache at 2 hours (Chromium) or 24 hours (Firefox). */
const MAX_CORS_MAX_AGE_SEC = 86_400;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `https://Example.com:443/` → `https://example.com`; anything but an origin is an error. */
function readOrigin(value: unknown, option: string): string {
  const text = readString(value, option).trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ServerConfigError(option, 'must be an origin such as https://app.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ServerConfigError(option, 'must be an http:// or https:// origin');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new ServerConfigError(option, 'must be an origin only: scheme, host and port, no path');
  }
  if (url.username !== '' || url.password !== '') {
    throw new ServerConfigError(option, 'must not contain credentials');
  }
  return url.origin;
}

/** The `cors` option, or undefined when CORS is off. */
export function resolveCors(value: unknown): ResolvedCorsOptions | undefined {
  if (value === undefined) return undefined;
  const raw = readObject(value, 'cors', "an object { origins: [...] | '*', headers?, maxAgeSec? }");
  rejectUnknownKeys(raw, CORS_KEYS, 'cors');
  const originsValue = raw['origins'];
  if (originsValue === undefined) {
    throw new ServerConfigError('cors.origins', "is required: a list of origins, or '*'");
  }
  let origins: readonly string[] | '*';
  if (originsValue === '*') {
    origins = '*';
  } else {
    const list = readArray(originsValue, 'cors.origins').map((entry, index) =>
      readOrigin(entry, `cors.origins[${index}]`),
    );
    if (list.length === 0) {
      throw new ServerConfigError(
        'cors.origins',
        "must list at least one origin (or be '*'); leave cors out to turn CORS off",
      );
    }
    origins = Object.freeze([...new Set(list)]);
  }
  const headers =
    raw['headers'] === undefined
      ? DEFAULT_CORS_HEADERS
      : Object.freeze(
          readArray(raw['headers'], 'cors.headers').map((entry, index) => {
            const name = readString(entry, `cors.headers[${index}]`).trim();
            if (!HEADER_NAME.test(name)) {
              throw new ServerConfigError(`cors.headers[${index}]`, 'must be an HTTP header name');
            }
            return name;
          }),
        );
  const maxAgeSec = readInteger(
    raw['maxAgeSec'],
    'cors.maxAgeSec',
    DEFAULT_CORS_MAX_AGE_SEC,
    0,
    MAX_CORS_MAX_AGE_SEC,
  );
  return Object.freeze({ origins, headers, maxAgeSec });
}
