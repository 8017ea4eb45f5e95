/**
 * @module commands/serve
 * `pushwire serve`: run the Pusher-compatible server in the foreground. Options come from
 * defaults < `--config` file < `PUSHWIRE_*` environment < flags. SIGINT/SIGTERM close it
 * gracefully (exit 0); a second signal exits at once. SIGHUP re-reads the apps and, with TLS, the
 * certificate files; the apps are also re-read when the config file changes (see serve-reload).
 */
import type {
  AppOptions,
  LogLevel,
  PushwireServer,
  ServerOptions,
  TlsOptions,
  TransportChoice,
} from '@pushwire/server';
import { type FlagSpecs, parseCommandArgs, parseIntegerFlag } from '../args';
import { type CliIo, ExitCode } from '../cli-io';
import type { Command } from '../command';
import { printError } from '../output';
import { UsageError } from '../usage-error';
import { cliInvocation, formatBanner } from './serve-banner';
import { reloadWhileServing } from './serve-reload';

const NAME = 'serve';
const MAX_PORT = 65_535;
const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];
const TRANSPORTS: readonly TransportChoice[] = ['auto', 'node', 'bun'];
/** Exit code when a second signal interrupts the graceful shutdown (128 + SIGINT). */
const FORCED_EXIT_CODE = 130;

const HELP = `Usage: pushwire serve [options]

Run a Pusher Channels compatible server (WebSocket protocol 7, REST API, webhooks) in the
foreground. With no options it serves one development app (id app-id, key app-key, secret
app-secret) on 127.0.0.1:6001. Stop it with Ctrl+C (graceful; press again to force).

Options:
  --port PORT              port to listen on (0 = any free port)     env PUSHWIRE_PORT   default 6001
  --host HOST              interface to listen on                    env PUSHWIRE_HOST   default 127.0.0.1
                           (use 0.0.0.0 to accept other machines: only with your own app secrets)
  --config FILE            JSON file: apps, limits, webhooks, ...    env PUSHWIRE_CONFIG
  --webhook-url URL        send every webhook event to URL, signed with the app's key and secret
                           (repeatable)                              env PUSHWIRE_WEBHOOK_URLS (comma-separated)
  --redis-url URL          share state with other nodes through Redis env PUSHWIRE_REDIS_URL
                           (a Redis Cluster: redis+cluster://host:port,host:port,...)
  --redis-key-prefix TEXT  prefix of every Redis key and channel     env PUSHWIRE_REDIS_KEY_PREFIX
                           (default pushwire:; one per cluster sharing a Redis)
  --no-redis-apps          with --redis-url, do not serve the apps of the Redis app store
                           ("pushwire apps ...")                     env PUSHWIRE_REDIS_APPS=false
  --relaxed                development limits (1 MB events, 1000 channels per trigger, ...)
                                                                     env PUSHWIRE_RELAXED
  --log-level LEVEL        silent, error, warn, info, debug          env PUSHWIRE_LOG_LEVEL default info
  --transport NAME         auto, node (node:http + ws) or bun (Bun's native WebSockets; run by bun)
                                                                     env PUSHWIRE_TRANSPORT default auto
  --tls-cert FILE          serve HTTPS and WSS with this PEM certificate (chain) env PUSHWIRE_TLS_CERT
  --tls-key FILE           the certificate's PEM private key             env PUSHWIRE_TLS_KEY
  --tls-ca FILE            intermediate CA certificates sent with it     env PUSHWIRE_TLS_CA
                           (an encrypted key's passphrase: env PUSHWIRE_TLS_PASSPHRASE or the config
                           file, never a flag; kill -HUP <pid> re-reads the files)
  --cors-origin ORIGIN     let browser pages from ORIGIN call the REST API (repeatable; * = any)
                                                                     env PUSHWIRE_CORS_ORIGINS (comma-separated)
  --metrics-port PORT      serve /metrics on this port only (not on the main one)
                                                                     env PUSHWIRE_METRICS_PORT
  --metrics-host HOST      interface of the metrics port             env PUSHWIRE_METRICS_HOST  default --host
  --no-metrics             /metrics answers 404                      env PUSHWIRE_METRICS_ENABLED=false
  --console                serve the debug console (/console, "pushwire tail") for every app,
                           behind the app's key and secret           env PUSHWIRE_CONSOLE
                           default: only the development app, only on a loopback host
  --no-watch-config        do not re-read the apps when the config file changes (SIGHUP still does)
  -h, --help               show this help

The default app's id, key and secret come from PUSHWIRE_APP_ID, PUSHWIRE_APP_KEY and
PUSHWIRE_APP_SECRET; more apps from PUSHWIRE_APPS (a JSON array) or the config file.
Configured apps refuse client events unless they enable them, as on Pusher
("enableClientMessages": true, or PUSHWIRE_APP_ENABLE_CLIENT_MESSAGES=true for the PUSHWIRE_APP_*
app); the built-in development app allows them.

Apps without a restart: kill -HUP <pid>, or saving the config file, re-reads the apps (added apps
are served at once, changed secrets apply to new requests and connections, removed apps' connections
are closed with 4001); an invalid file is reported and the old apps stay. With --redis-url the apps
of the cluster's Redis app store ("pushwire apps add ...") are served too.

Examples:
  pushwire serve
  pushwire serve --port 6002 --webhook-url http://127.0.0.1:3000/pusher/webhooks
  pushwire serve --config pushwire.json --redis-url redis://127.0.0.1:6379
  pushwire serve --host 0.0.0.0 --port 443 --tls-cert fullchain.pem --tls-key privkey.pem`;

/** The flags; `SERVE_FLAG_OPTIONS` (serve-flags.ts) names the option each one sets. */
export const SERVE_FLAGS = {
  help: { type: 'boolean', short: 'h' },
  port: { type: 'string' },
  host: { type: 'string' },
  config: { type: 'string' },
  'webhook-url': { type: 'string', multiple: true },
  'redis-url': { type: 'string' },
  'redis-key-prefix': { type: 'string' },
  relaxed: { type: 'boolean' },
  'log-level': { type: 'string' },
  transport: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-ca': { type: 'string' },
  'cors-origin': { type: 'string', multiple: true },
  console: { type: 'boolean' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  'no-metrics': { type: 'boolean' },
  'no-watch-config': { type: 'boolean' },
  'no-redis-apps': { type: 'boolean' },
} as const satisfies FlagSpecs;

/** The options given by flags (the last, strongest layer). */
function optionsFromFlags(
  flags: ReturnType<typeof parseCommandArgs<typeof SERVE_FLAGS>>['flags'],
): ServerOptions {
  const options: { -readonly [K in keyof ServerOptions]: ServerOptions[K] } = {};
  if (flags.port !== undefined) {
    options.port = parseIntegerFlag(NAME, 'port', flags.port, { min: 0, max: MAX_PORT });
  }
  if (flags.host !== undefined) options.host = flags.host;
  if (flags['webhook-url'] !== undefined) {
    options.webhooks = flags['webhook-url'].map((url) => {
      if (!/^https?:\/\/./.test(url)) {
        // The value is not echoed: a webhook URL may carry credentials or a token.
        throw new UsageError('--webhook-url must be an http:// or https:// URL', {
          command: NAME,
        });
      }
      return { url };
    });
  }
  if (flags['redis-url'] !== undefined) options.redisUrl = flags['redis-url'];
  if (flags['redis-key-prefix'] !== undefined) options.redisKeyPrefix = flags['redis-key-prefix'];
  if (flags['no-redis-apps'] === true) options.redisApps = false;
  if (flags.relaxed === true) options.relaxed = true;
  if (flags.console === true) options.console = { enabled: true };
  const level = flags['log-level'];
  if (level !== undefined) {
    const known = LOG_LEVELS.find((candidate) => candidate === level);
    if (known === undefined) {
      throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`, {
        command: NAME,
      });
    }
    options.logLevel = known;
  }
  if (flags.transport !== undefined) {
    const transport = TRANSPORTS.find((candidate) => candidate === flags.transport);
    if (transport === undefined) {
      throw new UsageError(`--transport must be one of ${TRANSPORTS.join(', ')}`, {
        command: NAME,
      });
    }
    options.transport = transport;
  }
  const tls = tlsFromFlags(flags);
  if (tls !== undefined) options.tls = tls;
  const metrics: { enabled?: boolean; host?: string; port?: number } = {};
  if (flags['no-metrics'] === true) metrics.enabled = false;
  if (flags['metrics-host'] !== undefined) metrics.host = flags['metrics-host'];
  if (flags['metrics-port'] !== undefined) {
    metrics.port = parseIntegerFlag(NAME, 'metrics-port', flags['metrics-port'], {
      min: 0,
      max: MAX_PORT,
    });
  }
  // A partial layer: `metrics` merges field by field with the file and the environment.
  if (Object.keys(metrics).length > 0) options.metrics = metrics;
  const origins = flags['cors-origin'];
  if (origins !== undefined) {
    options.cors = { origins: origins.includes('*') ? '*' : origins };
  }
  return options;
}

/**
 * The TLS file paths given by flags; the other fields (and the passphrase) come from the file or
 * the environment: `tls` merges field by field across the layers.
 */
function tlsFromFlags(
  flags: ReturnType<typeof parseCommandArgs<typeof SERVE_FLAGS>>['flags'],
): TlsOptions | undefined {
  const fields: Record<string, string> = {};
  if (flags['tls-cert'] !== undefined) fields['cert'] = flags['tls-cert'];
  if (flags['tls-key'] !== undefined) fields['key'] = flags['tls-key'];
  if (flags['tls-ca'] !== undefined) fields['ca'] = flags['tls-ca'];
  // A partial layer: loadServerOptions completes it from the others and checks the result.
  return Object.keys(fields).length === 0 ? undefined : (fields as unknown as TlsOptions);
}

/**
 * The merged options: defaults < config file < environment < flags. The config file is the one
 * named by `--config`, else by `PUSHWIRE_CONFIG`. Exported for the configuration reference test.
 */
export async function buildServeOptions(
  flags: ReturnType<typeof parseCommandArgs<typeof SERVE_FLAGS>>['flags'],
  env: Readonly<Record<string, string | undefined>>,
): Promise<ServerOptions> {
  // Loaded here so that the SDK commands never load the server.
  const { loadServerOptions } = await import('@pushwire/server');
  return loadServerOptions({
    env,
    flags: optionsFromFlags(flags),
    ...(flags.config === undefined ? {} : { configPath: flags.config }),
  });
}

/** Wait for SIGINT or SIGTERM; a second one exits the process at once. */
function waitForSignal(io: CliIo): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) {
        io.stderr.write(`Received ${signal} again: exiting now.\n`);
        process.exit(FORCED_EXIT_CODE);
      }
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** The `serve` command. */
export const serveCommand: Command = {
  name: NAME,
  summary: 'run a Pusher-compatible server in the foreground',
  help: HELP,
  async run(argv, io) {
    const { flags } = parseCommandArgs(NAME, argv, SERVE_FLAGS, 0);
    if (flags.help === true) {
      io.stdout.write(`${HELP}\n`);
      return ExitCode.Ok;
    }
    let options: ServerOptions;
    let server: PushwireServer;
    let served: PushwireServer | undefined;
    let defaultApp: AppOptions;
    try {
      options = await buildServeOptions(flags, io.env);
      const { createLogger, createServer, DEFAULT_APP } = await import('@pushwire/server');
      defaultApp = DEFAULT_APP;
      if (options.logger === undefined) {
        const secrets = (options.apps ?? []).map((app) => String(app.secret));
        if (typeof options.tls?.passphrase === 'string') secrets.push(options.tls.passphrase);
        options = {
          ...options,
          logger: createLogger({
            level: options.logLevel ?? 'info',
            format: process.stderr.isTTY ? 'pretty' : 'json',
            // Asked at each line: the secrets of apps reloaded or read from Redis later count too.
            secrets: () => (served === undefined ? secrets : servedSecrets(served, secrets)),
          }),
        };
      }
      // `redisUrl` is the server's to resolve: it loads the Redis adapter with the server's logger
      // and answers a missing ioredis with a ServerConfigError that says how to fix it.
      server = createServer(options);
      served = server;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      printError(io, { json: false }, error);
      return isConfigurationError(error) ? ExitCode.Usage : ExitCode.Failure;
    }

    const signal = waitForSignal(io);
    let address: { host: string; port: number; url: string; tls: boolean };
    try {
      address = await server.listen();
    } catch (error) {
      printError(io, { json: false }, error);
      if (isAddressInUse(error)) {
        io.stderr.write(
          'Another process (another pushwire serve?) uses that port: stop it, or pick one with --port.\n',
        );
      }
      await server.close().catch(() => undefined);
      return isConfigurationError(error) ? ExitCode.Usage : ExitCode.Failure;
    }
    const configPath = flags.config ?? (io.env['PUSHWIRE_CONFIG']?.trim() || undefined);
    const startedWithApps = options.apps !== undefined;
    const stopReloading = reloadWhileServing({
      server,
      io,
      tls: address.tls,
      configPath: flags['no-watch-config'] === true ? undefined : configPath,
      loadApps: async () => {
        const apps = (await buildServeOptions(flags, io.env)).apps;
        // A reload never swaps the public development app in for configured apps.
        if (apps === undefined && startedWithApps) {
          throw new UsageError('the configuration names no apps', { command: 'serve' });
        }
        return apps;
      },
    });
    io.stdout.write(
      `${formatBanner({
        address,
        apps: options.apps ?? [],
        defaultApp,
        usesDefaultApp: isDefaultAppOnly(options, defaultApp),
        redis: options.redisUrl !== undefined,
        corsOrigins: options.cors?.origins,
        cliInvocation: cliInvocation(process.argv[1], process.cwd()),
        consolePath: server.consolePath(),
        metricsUrl: metricsUrlOf(server),
      })}\n`,
    );
    const stored = server.apps.all().length - (options.apps?.length ?? 1);
    if (stored > 0) {
      io.stdout.write(
        `Also serving ${stored} app${stored === 1 ? '' : 's'} of the Redis app store (pushwire apps list).\n`,
      );
    }

    const received = await signal;
    stopReloading();
    io.stdout.write(`Received ${received}: shutting down gracefully...\n`);
    try {
      await server.close();
    } catch (error) {
      printError(io, { json: false }, error);
      return ExitCode.Failure;
    }
    io.stdout.write('Server closed.\n');
    return ExitCode.Ok;
  },
};

/** The secrets of the apps `server` serves now, and the other secrets given at start. */
function* servedSecrets(server: PushwireServer, others: readonly string[]): Iterable<string> {
  for (const app of server.apps.all()) yield app.secret;
  yield* others;
}

/** Where the banner says `/metrics` is (see BannerInput.metricsUrl). */
function metricsUrlOf(server: PushwireServer): string | false | undefined {
  if (!server.options.metrics.enabled) return false;
  const address = server.metricsAddress();
  return address === undefined ? undefined : `${address.url}/metrics`;
}

/** True when the server runs the built-in development app only (its credentials are public). */
function isDefaultAppOnly(options: ServerOptions, defaultApp: AppOptions): boolean {
  const apps = options.apps;
  if (apps === undefined || apps.length === 0) return true;
  return (
    apps.length === 1 &&
    apps[0]?.id === defaultApp.id &&
    apps[0].key === defaultApp.key &&
    apps[0].secret === defaultApp.secret
  );
}

function isAddressInUse(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error as { code: unknown }).code === 'EADDRINUSE'
  );
}

/** Errors that mean the configuration (flags, file, environment) is wrong: exit code 2. */
function isConfigurationError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'ServerConfigError' || error.name === 'AdapterConfigError')
  );
}
