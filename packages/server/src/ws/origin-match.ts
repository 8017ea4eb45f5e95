/**
 * @module ws/origin-match
 * `allowedOrigins` matching on parsed origins: an `Origin` header is parsed into scheme, host and
 * port (anything else, such as a path, userinfo or a query, makes it invalid and refused), and each
 * allowed entry is an origin (`https://app.example.com`), an origin whose host starts with `*.`
 * (`https://*.example.com`: any subdomain, same scheme and port), or `*` (any origin).
 */

/** A parsed origin: lowercase scheme (`https:`), normalized host, port ('' for the default). */
interface ParsedOrigin {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
}

/** `scheme://host[:port]` with no path, query, fragment or userinfo. */
const ORIGIN_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\\\s]+$/i;
/** Stand-in label for the `*` of a wildcard pattern while it is parsed as a URL. */
const WILDCARD_LABEL = 'wildcard-label';

/** The origin's parts, or undefined when the text is not exactly a serialized origin. */
export function parseOrigin(text: string): ParsedOrigin | undefined {
  if (!ORIGIN_SHAPE.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.hostname === '') return undefined;
  return { protocol: url.protocol, hostname: url.hostname, port: url.port };
}

/** True when `origin` (already parsed) matches one allowed entry. */
function matchesEntry(entry: string, origin: ParsedOrigin): boolean {
  const wildcard = /^[a-z][a-z0-9+.-]*:\/\/\*\./i.test(entry);
  const pattern = parseOrigin(wildcard ? entry.replace('*', WILDCARD_LABEL) : entry);
  if (pattern === undefined) return false;
  if (pattern.protocol !== origin.protocol || pattern.port !== origin.port) return false;
  if (!wildcard) return pattern.hostname === origin.hostname;
  // The URL parser lowercased and punycoded the host; drop the stand-in label, keep the dot.
  const suffix = pattern.hostname.slice(WILDCARD_LABEL.length);
  if (!suffix.startsWith('.') || suffix.length < 2) return false;
  return origin.hostname.endsWith(suffix) && origin.hostname.length > suffix.length;
}

/**
 * True when the app accepts this `Origin`. An empty allow-list accepts every origin (and none);
 * otherwise the header must be present and, unless `*` is listed, a valid origin that one entry
 * matches by scheme, host and port.
 */
export function isOriginAllowed(allowed: readonly string[], origin: string | undefined): boolean {
  if (allowed.length === 0) return true;
  if (origin === undefined) return false;
  if (allowed.includes('*')) return true;
  const parsed = parseOrigin(origin);
  if (parsed === undefined) return false;
  for (const entry of allowed) {
    if (matchesEntry(entry, parsed)) return true;
  }
  return false;
}
