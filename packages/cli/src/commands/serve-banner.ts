/**
 * @module commands/serve-banner
 * The text `pushwire serve` prints once it listens: where it is, the credentials of the built-in
 * development app (public by design; configured apps' secrets are never printed), whether each
 * app allows client events (the development app does; configured apps only with
 * `enableClientMessages: true`, as on Pusher), and how to connect pusher-js, the SDKs (the official
 * one in its constructor form) and the CLI (over TLS when the server serves HTTPS and WSS).
 */
import type { AppOptions } from '@pushwire/server';

export interface BannerInput {
  readonly address: {
    readonly host: string;
    readonly port: number;
    readonly url: string;
    /** HTTPS and WSS. @default false */
    readonly tls?: boolean;
  };
  /** The configured apps (ignored when `usesDefaultApp`). */
  readonly apps: readonly AppOptions[];
  /** The built-in development app (its credentials are public). */
  readonly defaultApp: AppOptions;
  /** The server runs only the built-in development app, whose credentials may be shown. */
  readonly usesDefaultApp: boolean;
  readonly redis: boolean;
  /** Origins allowed to call the REST API from a browser (CORS); undefined: CORS off. */
  readonly corsOrigins?: readonly string[] | '*' | undefined;
  /** How to run the CLI again from the same shell: `pushwire` or `node path/to/bin.js`. */
  readonly cliInvocation: string;
  /** The debug console's path when the server serves it. */
  readonly consolePath?: string | undefined;
  /** Where `/metrics` is: undefined on the main port, a URL on a metrics port, false when off. */
  readonly metricsUrl?: string | false | undefined;
}

/** The CLI's script as run from a source checkout: the launcher npm links, or the build. */
const SCRIPT = /[\\/](?:bin[\\/]pushwire|dist[\\/]bin)\.js$/;
const CHECKOUT_SCRIPT = /^packages[\\/]cli[\\/](?:bin[\\/]pushwire|dist[\\/]bin)\.js$/;

/**
 * The command that runs this CLI from a shell: `npx pushwire` for an installed package, and in the
 * repository's root too (`npm install` links the command there, e.g. for `npm start`); `node <path>`
 * when started as a script from anywhere else.
 */
export function cliInvocation(scriptPath: string | undefined, cwd: string): string {
  if (scriptPath === undefined || !SCRIPT.test(scriptPath)) return 'npx pushwire';
  if (/[\\/]node_modules[\\/]/.test(scriptPath)) return 'npx pushwire';
  const relative = scriptPath.startsWith(`${cwd}/`) ? scriptPath.slice(cwd.length + 1) : scriptPath;
  return CHECKOUT_SCRIPT.test(relative) ? 'npx pushwire' : `node ${relative}`;
}

const WILDCARD_HOSTS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '']);

/** The host a local client should dial: the listening host, or loopback for a wildcard bind. */
export function connectHost(listenHost: string): string {
  return WILDCARD_HOSTS.has(listenHost) ? '127.0.0.1' : listenHost;
}

/** Whether an app allows client events: only when it says so (the server's default is off). */
function onOff(app: AppOptions): 'on' | 'off' {
  return app.enableClientMessages === true ? 'on' : 'off';
}

/** The banner text (several lines, no trailing newline). */
export function formatBanner(input: BannerInput): string {
  const host = connectHost(input.address.host);
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  const port = input.address.port;
  const tls = input.address.tls === true;
  const scheme = tls ? 'https' : 'http';
  const base = `${scheme}://${hostInUrl}:${port}`;
  const lines = [
    `pushwire server listening on ${input.address.url}${input.redis ? ' (Redis adapter)' : ''}`,
  ];
  if (WILDCARD_HOSTS.has(input.address.host)) {
    lines.push('  Listening on every interface: other machines can connect.');
  }

  const app = input.usesDefaultApp ? input.defaultApp : undefined;
  const key = app?.key ?? input.apps[0]?.key ?? 'APP_KEY';
  if (app !== undefined) {
    lines.push(
      '',
      'Development app (public credentials, for local use only):',
      `  app id: ${app.id}   key: ${app.key}   secret: ${app.secret}`,
      // The development credentials given as a configured app follow the configured default.
      `  client events: ${onOff(input.apps[0] ?? app)} (configured apps: off unless they set enableClientMessages: true)`,
    );
  } else {
    lines.push('', `Apps (${input.apps.length}; secrets not shown):`);
    for (const configured of input.apps) {
      lines.push(
        `  app id: ${configured.id}   key: ${configured.key}   client events: ${onOff(configured)}`,
      );
    }
  }

  const url =
    app === undefined
      ? `${scheme}://${key}:APP_SECRET@${hostInUrl}:${port}/apps/${input.apps[0]?.id ?? 'APP_ID'}`
      : `${scheme}://${app.key}:${app.secret}@${hostInUrl}:${port}/apps/${app.id}`;
  // The constructor form: pusher's `Pusher.forURL` parses the app id as a number (`app-id` → NaN).
  const credentials =
    app === undefined
      ? `appId: '${input.apps[0]?.id ?? 'APP_ID'}', key: '${key}', secret: 'APP_SECRET'`
      : `appId: '${app.id}', key: '${app.key}', secret: '${app.secret}'`;
  if (tls) {
    lines.push(
      '',
      'TLS: HTTPS and WSS on this port (kill -HUP the process to re-read the certificate files).',
      '  A certificate from a private CA: trust it with NODE_EXTRA_CA_CERTS=ca.pem (Node clients).',
    );
  }
  if (input.corsOrigins !== undefined) {
    const origins = input.corsOrigins === '*' ? 'any origin (*)' : input.corsOrigins.join(', ');
    lines.push('', `CORS: browser pages may call the REST API from ${origins}.`);
  }
  lines.push(
    '',
    'Connect with pusher-js:',
    tls
      ? `  new Pusher('${key}', { wsHost: '${host}', wssPort: ${port}, forceTLS: true, enabledTransports: ['ws'], cluster: 'mt1' })`
      : `  new Pusher('${key}', { wsHost: '${host}', wsPort: ${port}, forceTLS: false, enabledTransports: ['ws'], cluster: 'mt1' })`,
    '',
    'Trigger with the official pusher package:',
    `  new Pusher({ ${credentials}, host: '${host}', port: '${port}', useTLS: ${tls} })`,
    `With @pushwire/sdk: the same options with port: ${port}, or Pusher.fromUrl(process.env.PUSHER_URL) and`,
    `  PUSHER_URL=${url}`,
    '',
    'Or from a shell:',
    app === undefined || port !== 6001 || host !== '127.0.0.1' || tls
      ? `  PUSHER_URL=${url} ${input.cliInvocation} trigger my-channel my-event '{"hello":"world"}'`
      : `  ${input.cliInvocation} trigger my-channel my-event '{"hello":"world"}'`,
    '',
    `Health: ${base}/health   Metrics: ${
      input.metricsUrl === false ? 'off' : (input.metricsUrl ?? `${base}/metrics`)
    }`,
  );
  if (input.consolePath !== undefined) {
    lines.push(
      `Debug console: ${base}${input.consolePath}   (in a terminal: ${input.cliInvocation} tail)`,
    );
  }
  lines.push('Press Ctrl+C to stop.');
  return lines.join('\n');
}
