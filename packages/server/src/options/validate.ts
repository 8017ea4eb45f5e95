/**
 * @module options/validate
 * The checks the option resolvers are built from; each throws a `ServerConfigError`.
 */

import { ServerConfigError } from '../config-error';
import { isPlainObject } from '../util/is-plain-object';

/** A short description of a value's type, safe to print (never the value itself). */
export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Any non-null object, arrays and class instances included. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `value` as a non-array object, or a "must be `what`" error. */
export function readObject(
  value: unknown,
  option: string,
  what = 'an object',
): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new ServerConfigError(option, `must be ${what}, got ${typeOf(value)}`);
  }
  return value;
}

export function readArray(value: unknown, option: string): readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new ServerConfigError(option, `must be an array, got ${typeOf(value)}`);
  }
  return value;
}

/** Throws for the first key of `value` not in `allowed`; `path` prefixes the key ('' at the top). */
export function rejectUnknownKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ServerConfigError(path === '' ? key : `${path}.${key}`, 'unknown option');
    }
  }
}

/** A non-empty string; `undefined` gives `fallback` when there is one. Never echoes the value. */
export function readString(value: unknown, option: string, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0) {
    throw new ServerConfigError(option, `must be a non-empty string, got ${typeOf(value)}`);
  }
  return value;
}

/** A non-empty string that `pattern` matches, else `problem`. */
export function readMatching(
  value: unknown,
  option: string,
  pattern: RegExp,
  problem: string,
): string {
  const text = readString(value, option);
  if (!pattern.test(text)) throw new ServerConfigError(option, problem);
  return text;
}

export function readBoolean(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ServerConfigError(option, `must be true or false, got ${typeOf(value)}`);
  }
  return value;
}

export function readInteger(
  value: unknown,
  option: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const shown = typeof value === 'number' ? String(value) : typeOf(value);
    throw new ServerConfigError(option, `must be an integer from ${min} to ${max}, got ${shown}`);
  }
  return value;
}

export function readHttpUrl(value: unknown, option: string): string {
  const text = readString(value, option);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new ServerConfigError(option, 'must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ServerConfigError(option, 'must use http: or https:');
  }
  return text;
}
