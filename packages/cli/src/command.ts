/**
 * @module command
 * The shape of one `pushwire` sub-command, and the shared runner of the SDK commands: resolve
 * credentials, build a client, run, print the result or the failure with the right exit code.
 */
import { Pusher, RELAXED_LIMITS } from '@pushwire/sdk';
import type { FlagSpecs, FlagValues } from './args';
import { COMMON_FLAGS, parseCommandArgs } from './args';
import { type CliIo, ExitCode } from './cli-io';
import {
  CREDENTIAL_FLAGS,
  type Credentials,
  describeEndpoint,
  isLoopbackHost,
  resolveCredentials,
} from './config';
import { printError } from './output';
import { UsageError } from './usage-error';

/** One sub-command: its name, a one-line summary for `pushwire --help`, its own help, and run. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  run(argv: readonly string[], io: CliIo): Promise<ExitCode>;
}

/** SDK errors raised before any request is sent: the input was wrong (exit code 2). */
const INPUT_ERROR_NAMES: ReadonlySet<string> = new Set(['ValidationError', 'ConfigurationError']);

/** The help section shared by the SDK commands. */
export const CREDENTIALS_HELP = `Credentials (first match wins, field by field):
  --url URL                http(s)://KEY:SECRET@HOST:PORT/apps/APP_ID
  --app-id ID --key KEY --secret SECRET
  --host HOST --port PORT --tls | --no-tls   or   --cluster CLUSTER (api-CLUSTER.pusher.com)
                           a loopback host (127.0.0.1, localhost) means plain HTTP on port 6001
                           unless --tls or --port say otherwise; other hosts use HTTPS on 443
  env PUSHER_URL, then PUSHER_APP_ID, PUSHER_KEY (or PUSHER_APP_KEY), PUSHER_SECRET (or
  PUSHER_APP_SECRET), PUSHER_HOST, PUSHER_PORT, PUSHER_SCHEME (http|https), PUSHER_CLUSTER
  default: http://app-key:app-secret@127.0.0.1:6001/apps/app-id (the app of \`pushwire serve\`)
  --timeout MS             request timeout in milliseconds
  --encryption-master-key BASE64   for private-encrypted- channels (env PUSHER_ENCRYPTION_MASTER_KEY)
  --relaxed                check the limits of \`pushwire serve --relaxed\` (1 MiB data, 1000 channels)
                           instead of Pusher's (10 KB data, 100 channels) before sending
Output:
  --json                   print the raw JSON result (errors as JSON on stderr)
  -h, --help               show this help`;

/** Build an SDK client from resolved credentials. */
export function createClient(credentials: Credentials): Pusher {
  const { endpoint } = credentials;
  const base = {
    appId: credentials.appId,
    key: credentials.key,
    secret: credentials.secret,
    useTLS: endpoint.useTLS,
    ...(credentials.timeoutMs === undefined ? {} : { timeout: credentials.timeoutMs }),
    ...(credentials.encryptionMasterKeyBase64 === undefined
      ? {}
      : { encryptionMasterKeyBase64: credentials.encryptionMasterKeyBase64 }),
    ...(credentials.relaxed === true ? { limits: RELAXED_LIMITS } : {}),
  };
  if (endpoint.kind === 'cluster') return new Pusher({ ...base, cluster: endpoint.cluster });
  return new Pusher({
    ...base,
    host: endpoint.host,
    ...(endpoint.port === undefined ? {} : { port: endpoint.port }),
  });
}

/** What an SDK command's body receives. */
export interface SdkCommandContext<S extends FlagSpecs> {
  readonly flags: FlagValues<S & typeof CREDENTIAL_FLAGS & typeof COMMON_FLAGS>;
  readonly positionals: readonly string[];
  readonly pusher: Pusher;
  readonly credentials: Credentials;
  readonly io: CliIo;
  readonly json: boolean;
}

/** Define a command that talks to the API (or signs) through the SDK. */
export function defineSdkCommand<S extends FlagSpecs>(definition: {
  name: string;
  summary: string;
  help: string;
  flags: S;
  maxPositionals: number;
  run(context: SdkCommandContext<S>): Promise<void>;
}): Command {
  const specs = { ...COMMON_FLAGS, ...CREDENTIAL_FLAGS, ...definition.flags };
  return {
    name: definition.name,
    summary: definition.summary,
    help: definition.help,
    async run(argv, io) {
      const { flags, positionals } = parseCommandArgs(
        definition.name,
        argv,
        specs,
        definition.maxPositionals,
      );
      if (flags.help === true) {
        io.stdout.write(`${definition.help}\n`);
        return ExitCode.Ok;
      }
      const json = flags.json === true;
      const credentials = resolveCredentials(flags, io.env, definition.name);
      const secrets = [credentials.secret, credentials.encryptionMasterKeyBase64 ?? ''];
      let pusher: Pusher | undefined;
      try {
        pusher = createClient(credentials);
        await definition.run({
          flags: flags as SdkCommandContext<S>['flags'],
          positionals,
          pusher,
          credentials,
          io,
          json,
        });
        return ExitCode.Ok;
      } catch (error) {
        if (error instanceof UsageError) throw error;
        printError(io, { json }, error, secrets);
        const hint = flagHint(error) ?? connectionHint(error, credentials);
        if (hint !== undefined && !json) io.stderr.write(`${hint}\n`);
        return error instanceof Error && INPUT_ERROR_NAMES.has(error.name)
          ? ExitCode.Usage
          : ExitCode.Failure;
      } finally {
        pusher?.close();
      }
    },
  };
}

/** Throw a usage error unless `value` is a non-empty string. */
export function requirePositional(
  command: string,
  value: string | undefined,
  name: string,
): string {
  if (value === undefined || value === '') {
    throw new UsageError(`missing ${name}`, { command });
  }
  return value;
}

/** SDK option names as the CLI spells them, for a hint after a ConfigurationError. */
const FLAG_FOR_OPTION: Readonly<Record<string, string>> = {
  encryptionMasterKeyBase64: '--encryption-master-key BASE64 (or PUSHER_ENCRYPTION_MASTER_KEY)',
  appId: '--app-id (or PUSHER_APP_ID / PUSHER_URL)',
  key: '--key (or PUSHER_KEY / PUSHER_URL)',
  secret: '--secret (or PUSHER_SECRET / PUSHER_URL)',
  host: '--host (or PUSHER_HOST / PUSHER_URL)',
  cluster: '--cluster (or PUSHER_CLUSTER)',
  timeout: '--timeout MS',
};

/** On a refused connection to this machine: the server is probably not running. */
function connectionHint(error: unknown, credentials: Credentials): string | undefined {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== 'ECONNREFUSED') {
    return undefined;
  }
  const { endpoint } = credentials;
  if (endpoint.kind !== 'host' || !isLoopbackHost(endpoint.host)) return undefined;
  return `Nothing is listening at ${describeEndpoint(credentials).replace(/\/apps\/.*$/, '')}: start a local server with "pushwire serve" (or set --host/--port, PUSHER_HOST/PUSHER_PORT).`;
}

function flagHint(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'ConfigurationError' || !('option' in error)) {
    return undefined;
  }
  const flag = FLAG_FOR_OPTION[String((error as { option: unknown }).option)];
  return flag === undefined ? undefined : `In the CLI this is set with ${flag}.`;
}
