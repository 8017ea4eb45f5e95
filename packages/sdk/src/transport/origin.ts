/**
 * @module transport/origin
 * The origin of an API endpoint as a URL prefix (`https://api-eu.pusher.com:443`), for the base URL
 * and for network errors, which name the endpoint they tried.
 */
import type { Endpoint } from './types';

/** `scheme://host:port`, with an IPv6 host in brackets. */
export function originOf(endpoint: Endpoint): string {
  const { scheme, host, port } = endpoint;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
