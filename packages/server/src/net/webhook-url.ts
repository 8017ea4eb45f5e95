/**
 * @module net/webhook-url
 * Webhook URLs without their secrets: the one redaction used wherever a webhook URL could reach a
 * log, an error or a metric (no userinfo, no query, no fragment), and the split of a URL's
 * `user:password@` into an `Authorization: Basic` header (HTTP clients such as fetch refuse URLs
 * with credentials, and a header keeps them out of every place the URL is shown).
 */

const REDACTED_URL = '[invalid url]';
/** Absolute http(s) URLs inside free text (error messages), up to the next space or quote. */
const URL_IN_TEXT_PATTERN = /https?:\/\/[^\s"'<>`]+/gi;

/** `url` as scheme, host, port and path only: never its userinfo, query string or fragment. */
export function redactWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return REDACTED_URL;
  }
}

/** `text` with every http(s) URL in it redacted by {@link redactWebhookUrl}. */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_IN_TEXT_PATTERN, (match) => redactWebhookUrl(match));
}

/** A webhook URL ready to request, and the credentials it carried (if any) as a header value. */
export interface SplitWebhookUrl {
  /** The URL without `user:password@` (unchanged text when it had none). */
  readonly url: string;
  /** `Basic base64(user:password)` of the percent-decoded userinfo, when the URL had one. */
  readonly authorization: string | undefined;
}

/**
 * Moves the userinfo of `url` (an absolute URL) into an `Authorization: Basic` value, percent-decoded
 * as RFC 3986 requires, and strips it from the URL.
 * @throws {URIError} when the userinfo holds invalid percent-encoding (the message names no value).
 */
export function splitWebhookUrlCredentials(url: string): SplitWebhookUrl {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url, authorization: undefined };
  let user: string;
  let password: string;
  try {
    user = decodeURIComponent(parsed.username);
    password = decodeURIComponent(parsed.password);
  } catch {
    throw new URIError('the URL credentials have invalid percent-encoding');
  }
  parsed.username = '';
  parsed.password = '';
  const token = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
  return { url: parsed.href, authorization: `Basic ${token}` };
}
