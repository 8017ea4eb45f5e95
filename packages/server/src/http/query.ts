/**
 * @module http/query
 * Parses a raw query string into decoded `name → value` pairs (form encoding: `+` is a space).
 * A repeated parameter is rejected: a signed request has each parameter once.
 */
import { badRequest } from './http-error';

/** Decoded query parameters of a request. */
export type QueryParams = Record<string, string>;

function decode(component: string): string {
  const spaced = component.includes('+') ? component.replace(/\+/g, ' ') : component;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw badRequest('Malformed percent-encoding in the query string');
  }
}

/** `a=1&b=2` → `{a: '1', b: '2'}`. @throws {HttpError} 400 on malformed or repeated parameters. */
export function parseQuery(raw: string): QueryParams {
  const params: QueryParams = Object.create(null) as QueryParams;
  if (raw === '') return params;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = decode(equals === -1 ? part : part.slice(0, equals));
    const value = equals === -1 ? '' : decode(part.slice(equals + 1));
    if (Object.hasOwn(params, name)) {
      throw badRequest(`Query parameter "${name}" is repeated`);
    }
    params[name] = value;
  }
  return params;
}
