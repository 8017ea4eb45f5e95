/**
 * @module util/is-plain-object
 * The one type guard for "a JSON object" (not null, not an array), used by every parser of
 * untrusted input: config files, environment JSON, REST bodies.
 */

/** True when `value` is a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
