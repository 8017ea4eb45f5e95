/**
 * @module config
 * Credentials for the SDK commands (trigger, channels, channel, users, auth), resolved in one
 * order, field by field: `--url` > individual flags > `PUSHER_*` environment (the official SDKs'
 * names and the ones Laravel apps have: `PUSHER_APP_KEY`, `PUSHER_APP_SECRET`, `PUSHER_SCHEME`) >
 * the local development server that `pushwire serve` starts with no setup.
 */
import type { FlagSpecs, FlagValues } from './args';
import { parseIntegerFlag } from './args';
import { UsageError } from './usage-error';

/** The credentials `pushwire serve` prints for its built-in development app. */
export const DEFAULT_DEV_URL = 'http://app-key:app-secret@127.0.0.1:6001/apps/app-id';

const MAX_PORT = 65_535;
const MAX_TIMEOUT_MS = 600_000;

/** Flags that select the app and the API endpoint. */
export const CREDENTIAL_FLAGS = {
  url: { type: 'string' },
  'app-id': { type: 'string' },
  key: { type: 'string' },
  secret: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  tls: { type: 'boolean' },
  'no-tls': { type: 'boolean' },
  cluster: { type: 'string' },
  timeout: { type: 'string' },
  'encryption-master-key': { type: 'string' },
  relaxed: { type: 'boolean' },
} as const satisfies FlagSpecs;

/** Where the API lives: an explicit host, or a Pusher cluster (`api-<cluster>.pusher.com`). */
export type Endpoint =
  | {
      readonly kind: 'host';
      readonly host: string;
      readonly port?: number;
      readonly useTLS: boolean;
    }
  | { readonly kind: 'cluster'; readonly cluster: string; readonly useTLS: boolean };

/** Fully resolved credentials, ready to build a `Pusher` client. */
export interface Credentials {
  readonly appId: string;
  readonly key: string;
  readonly secret: string;
  readonly endpoint: Endpoint;
  readonly timeoutMs?: number;
  readonly encryptionMasterKeyBase64?: string;
  /** Check the limits of `pushwire serve --relaxed` instead of Pusher's. */
  readonly relaxed?: boolean;
}

/** One layer of partial settings; later layers override earlier ones field by field. */
interface CredentialLayer {
  appId?: string;
  key?: string;
  secret?: string;
  host?: string;
  port?: number;
  useTLS?: boolean;
  cluster?: string;
}

/**
 * Parse a `PUSHER_URL`-style URL: `http(s)://KEY:SECRET@HOST[:PORT]/apps/APP_ID`.
 * `source` names where it came from (`--url`, `PUSHER_URL`) for the error message, which never
 * repeats the URL (it carries the secret).
 */
export function parsePusherUrl(value: string, source: string, command: string): CredentialLayer {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `${source} is not a valid URL (expected http://KEY:SECRET@HOST:PORT/apps/APP_ID)`,
      {
        command,
      },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${source} must start with http:// or https://`, { command });
  }
  const appId = /^\/apps\/([^/]+)\/?$/.exec(url.pathname)?.[1];
  if (url.username === '' || url.password === '' || appId === undefined) {
    throw new UsageError(
      `${source} must have the form http://KEY:SECRET@HOST:PORT/apps/APP_ID (key, secret or app id missing)`,
      { command },
    );
  }
  const layer: CredentialLayer = {
    appId: decodeURIComponent(appId),
    key: decodeURIComponent(url.username),
    secret: decodeURIComponent(url.password),
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    useTLS: url.protocol === 'https:',
  };
  if (url.port !== '') layer.port = Number(url.port);
  return layer;
}

const DEFAULT_DEV_LAYER: CredentialLayer = parsePusherUrl(DEFAULT_DEV_URL, 'the default URL', '');

function envLayers(
  env: Readonly<Record<string, string | undefined>>,
  command: string,
): CredentialLayer[] {
  const layers: CredentialLayer[] = [];
  const url = nonEmpty(env['PUSHER_URL']);
  if (url !== undefined) layers.push(parsePusherUrl(url, 'PUSHER_URL', command));
  const fields: CredentialLayer = {};
  const appId = nonEmpty(env['PUSHER_APP_ID']);
  // Laravel's .env names (PUSHER_APP_KEY, PUSHER_APP_SECRET) beside the official SDKs' ones.
  const key = nonEmpty(env['PUSHER_KEY']) ?? nonEmpty(env['PUSHER_APP_KEY']);
  const secret = nonEmpty(env['PUSHER_SECRET']) ?? nonEmpty(env['PUSHER_APP_SECRET']);
  const scheme = nonEmpty(env['PUSHER_SCHEME'])?.toLowerCase();
  const host = nonEmpty(env['PUSHER_HOST']);
  const port = nonEmpty(env['PUSHER_PORT']);
  const cluster = nonEmpty(env['PUSHER_CLUSTER']);
  if (appId !== undefined) fields.appId = appId;
  if (key !== undefined) fields.key = key;
  if (secret !== undefined) fields.secret = secret;
  if (cluster !== undefined) fields.cluster = cluster;
  if (host !== undefined) fields.host = host;
  if (port !== undefined) {
    fields.port = parseIntegerFlag(command, 'port (PUSHER_PORT)', port, { min: 1, max: MAX_PORT });
  }
  if (scheme !== undefined) {
    if (scheme !== 'http' && scheme !== 'https') {
      throw new UsageError('PUSHER_SCHEME must be http or https', { command });
    }
    fields.useTLS = scheme === 'https';
  }
  layers.push(fields);
  return layers;
}

function flagLayer(flags: FlagValues<typeof CREDENTIAL_FLAGS>, command: string): CredentialLayer {
  const layer: CredentialLayer = {};
  if (flags['app-id'] !== undefined) layer.appId = flags['app-id'];
  if (flags.key !== undefined) layer.key = flags.key;
  if (flags.secret !== undefined) layer.secret = flags.secret;
  if (flags.cluster !== undefined) layer.cluster = flags.cluster;
  if (flags.host !== undefined) layer.host = flags.host;
  if (flags.port !== undefined) {
    layer.port = parseIntegerFlag(command, 'port', flags.port, { min: 1, max: MAX_PORT });
  }
  if (flags.tls === true && flags['no-tls'] === true) {
    throw new UsageError('--tls and --no-tls cannot be used together', { command });
  }
  if (flags.tls === true) layer.useTLS = true;
  if (flags['no-tls'] === true) layer.useTLS = false;
  return layer;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Resolve the credentials for an SDK command from its flags and the environment, field by field:
 * `--url` > flags > `PUSHER_*` env (`PUSHER_URL` first, then the single variables) > default.
 * With nothing set, they point at the local development server (`pushwire serve`).
 */
export function resolveCredentials(
  flags: FlagValues<typeof CREDENTIAL_FLAGS>,
  env: Readonly<Record<string, string | undefined>>,
  command: string,
): Credentials {
  const layers: CredentialLayer[] = [...envLayers(env, command), flagLayer(flags, command)];
  if (flags.url !== undefined) layers.push(parsePusherUrl(flags.url, '--url', command));

  const merged: CredentialLayer = { ...DEFAULT_DEV_LAYER };
  const endpoint: CredentialLayer = {};
  for (const layer of layers) {
    if (layer.appId !== undefined) merged.appId = layer.appId;
    if (layer.key !== undefined) merged.key = layer.key;
    if (layer.secret !== undefined) merged.secret = layer.secret;
    if (layer.host !== undefined) {
      endpoint.host = layer.host;
      delete endpoint.cluster;
      delete endpoint.port;
      delete endpoint.useTLS;
    } else if (layer.cluster !== undefined) {
      endpoint.cluster = layer.cluster;
      delete endpoint.host;
      delete endpoint.port;
      delete endpoint.useTLS;
    }
    if (layer.port !== undefined) endpoint.port = layer.port;
    if (layer.useTLS !== undefined) endpoint.useTLS = layer.useTLS;
  }

  const credentials: {
    -readonly [K in keyof Credentials]: Credentials[K];
  } = {
    appId: merged.appId ?? '',
    key: merged.key ?? '',
    secret: merged.secret ?? '',
    endpoint: toEndpoint(endpoint),
  };
  if (flags.timeout !== undefined) {
    credentials.timeoutMs = parseIntegerFlag(command, 'timeout', flags.timeout, {
      min: 1,
      max: MAX_TIMEOUT_MS,
    });
  }
  const masterKey = flags['encryption-master-key'] ?? nonEmpty(env['PUSHER_ENCRYPTION_MASTER_KEY']);
  if (masterKey !== undefined) credentials.encryptionMasterKeyBase64 = masterKey;
  if (flags.relaxed === true) credentials.relaxed = true;
  return credentials;
}

/** True for this machine's addresses: `localhost`, 127.0.0.0/8 and `::1`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/**
 * The endpoint from the merged layers. With no host and no cluster anywhere, it is the local
 * development server (a port or TLS setting still applies to it). A host or a cluster set in a
 * layer replaces the endpoint of the earlier layers, including their port and TLS. A loopback host
 * (`--host 127.0.0.1`) is taken as a local `pushwire serve`: plain HTTP on its port 6001 unless set
 * otherwise, never a silent switch to HTTPS on 443; any other host gets TLS unless set off (the
 * SDK's default).
 */
function toEndpoint(layer: CredentialLayer): Endpoint {
  if (layer.cluster !== undefined) {
    return { kind: 'cluster', cluster: layer.cluster, useTLS: layer.useTLS ?? true };
  }
  const host = layer.host ?? DEFAULT_DEV_LAYER.host ?? '127.0.0.1';
  const local = layer.host === undefined || isLoopbackHost(host);
  const useTLS = layer.useTLS ?? !local;
  const port = layer.port ?? (local && !useTLS ? DEFAULT_DEV_LAYER.port : undefined);
  return port === undefined ? { kind: 'host', host, useTLS } : { kind: 'host', host, port, useTLS };
}

/** A one-line description of where the commands will connect, without the secret. */
export function describeEndpoint(credentials: Credentials): string {
  const { endpoint } = credentials;
  const scheme = endpoint.useTLS ? 'https' : 'http';
  const host =
    endpoint.kind === 'host'
      ? endpoint.host + (endpoint.port === undefined ? '' : `:${endpoint.port}`)
      : `api-${endpoint.cluster}.pusher.com`;
  return `${scheme}://${host}/apps/${credentials.appId}`;
}
