/**
 * @module webhooks/headers
 * Case-insensitive header lookup over a Fetch `Headers` object or a plain record (Node's
 * `IncomingMessage.headers`, Lambda events, hand-built objects), including array values.
 */

/** Header values as frameworks hand them over. */
export type HeaderRecord = Record<string, string | readonly string[] | undefined>;

/** A fetch `Headers` (or lookalike) or a plain record. */
export type HeaderSource = Headers | HeaderRecord;

function isHeadersObject(headers: HeaderSource): headers is Headers {
  const candidate = headers as Partial<Headers>;
  return typeof candidate.get === 'function' && typeof candidate.has === 'function';
}

function joinValue(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.length === 1 ? String(value[0]) : value.join(', ');
}

/** The value of header `name` (any case), or undefined when it is absent. */
export function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  if (isHeadersObject(headers)) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return joinValue(value);
  }
  return undefined;
}

/** True when a Content-Type value is `application/json`, with or without parameters. */
export function isJsonContentType(contentType: string): boolean {
  const mediaType = contentType.split(';', 1)[0] ?? '';
  return mediaType.trim().toLowerCase() === 'application/json';
}
