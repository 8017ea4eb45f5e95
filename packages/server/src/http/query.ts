/**
 * @module http/query
 * Parses a raw query string into decoded `name → value` pairs (form encoding: `+` is a space).
 * Parameter names are exact: every name must be lowercase, as every official SDK sends them.
 * Signing lowercases the names, so `FILTER_BY_PREFIX` would verify like `filter_by_prefix` while
 * the server, reading exact names, ignored it; a repeated parameter is rejected for the same
 * reason (a signed request has each parameter once).
 */
import { badRequest } from './http-status-error';

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

const MAX_ECHOED_NAME_CHARS = 64;

/** A client-chosen name as echoed in an error (never the whole of an over-long one). */
function echoed(name: string): string {
  return name.length > MAX_ECHOED_NAME_CHARS ? `${name.slice(0, MAX_ECHOED_NAME_CHARS)}…` : name;
}

/**
 * `a=1&b=2` → `{a: '1', b: '2'}`.
 * @throws {HttpStatusError} 400 on malformed, repeated or not-lowercase parameter names.
 */
export function parseQuery(raw: string): QueryParams {
  const params: QueryParams = Object.create(null) as QueryParams;
  if (raw === '') return params;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = decode(equals === -1 ? part : part.slice(0, equals));
    const value = equals === -1 ? '' : decode(part.slice(equals + 1));
    if (name !== name.toLowerCase()) {
      throw badRequest(
        `Query parameter names must be lowercase: "${echoed(name)}" (did you mean "${echoed(name.toLowerCase())}"?)`,
      );
    }
    if (Object.hasOwn(params, name)) {
      throw badRequest(`Query parameter "${echoed(name)}" is repeated`);
    }
    params[name] = value;
  }
  return params;
}
