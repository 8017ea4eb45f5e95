/**
 * @module commands/apps
 * `pushwire apps add|list|update|remove`: manage the apps of the cluster's Redis app store, which
 * every `pushwire serve --redis-url` node on that Redis (and key prefix) serves without a restart.
 * A secret is printed once, when it is created or rotated; `list` never prints secrets.
 */
import { randomBytes } from 'node:crypto';
import type { AppOptions, ConnectedRedisAppStore } from '@pushwire/server';
import { COMMON_FLAGS, type FlagSpecs, type FlagValues, parseCommandArgs } from '../args';
import { type CliIo, ExitCode } from '../cli-io';
import type { Command } from '../command';
import { printError, printResult } from '../output';
import { UsageError } from '../usage-error';

const NAME = 'apps';
/** Bytes of a generated key (20 hex characters, like Pusher's) and secret (40). */
const KEY_BYTES = 10;
const SECRET_BYTES = 20;
/** Largest secret read from stdin. */
const MAX_STDIN_SECRET_BYTES = 4096;

const HELP = `Usage: pushwire apps <add|list|update|remove> [ID] [options]

Manage the apps kept in the Redis a cluster of "pushwire serve --redis-url" nodes shares: every node
serves an added app at once, follows an update (new requests and connections use the new settings)
and closes a removed app's connections (code 4001). Apps of a node's config file win over stored
apps with the same id or key. The secrets are stored in Redis: protect it (password, TLS, network).

Commands:
  add ID        store a new app; prints its key and secret (generated unless given) once
  list          the stored apps: id, key, name, enabled (never the secrets)
  update ID     change a stored app; --rotate-secret prints the new secret once
  remove ID     delete a stored app

Options:
  --redis-url URL          the cluster's Redis (required)            env PUSHWIRE_REDIS_URL
                           (a Redis Cluster: redis+cluster://host:port,host:port,...)
  --redis-key-prefix TEXT  the cluster's key prefix, as given to serve env PUSHWIRE_REDIS_KEY_PREFIX
                                                                     default pushwire:
  --key KEY                add, update: the app key (add: generated when not given)
  --secret-stdin           add, update: read the secret from stdin (add: generated when not given)
  --rotate-secret          update: generate a new secret
  --name NAME              add, update: a label for logs and metrics
  --enable | --disable     add, update: serve the app, or refuse its connections (4003) and requests
  --client-events on|off   add, update: allow client-* events on private and presence channels
  --options JSON           add, update: other app options as JSON (limits, webhooks, allowedOrigins,
                           requireUserAuthentication, ...): merged over the stored ones
  --json                   machine-readable output
  -h, --help               show this help

Examples:
  pushwire apps add my-app --redis-url redis://10.0.0.5:6379
  pushwire apps add my-app --options '{"limits": {"maxConnections": 1000}}'
  pushwire apps update my-app --rotate-secret
  pushwire apps list --json
  pushwire apps remove my-app`;

const APPS_FLAGS = {
  ...COMMON_FLAGS,
  'redis-url': { type: 'string' },
  'redis-key-prefix': { type: 'string' },
  key: { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  'rotate-secret': { type: 'boolean' },
  name: { type: 'string' },
  enable: { type: 'boolean' },
  disable: { type: 'boolean' },
  'client-events': { type: 'string' },
  options: { type: 'string' },
} as const satisfies FlagSpecs;

type AppsFlags = FlagValues<typeof APPS_FLAGS>;

const SUBCOMMANDS = ['add', 'list', 'update', 'remove'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

/** A random hex string of `bytes` bytes. */
function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** The flags that only some subcommands accept, checked against the one run. */
function rejectMisplacedFlags(sub: Subcommand, flags: AppsFlags): void {
  const editing: (keyof AppsFlags)[] = [
    'key',
    'secret-stdin',
    'name',
    'enable',
    'disable',
    'client-events',
    'options',
  ];
  const allowed: Record<Subcommand, readonly (keyof AppsFlags)[]> = {
    add: editing,
    update: [...editing, 'rotate-secret'],
    list: [],
    remove: [],
  };
  for (const flag of [...editing, 'rotate-secret'] as const) {
    if (flags[flag] !== undefined && !allowed[sub].includes(flag)) {
      throw new UsageError(`--${flag} does not apply to "apps ${sub}"`, { command: NAME });
    }
  }
  if (flags.enable === true && flags.disable === true) {
    throw new UsageError('--enable and --disable exclude each other', { command: NAME });
  }
  if (flags['rotate-secret'] === true && flags['secret-stdin'] === true) {
    throw new UsageError('--rotate-secret and --secret-stdin exclude each other', {
      command: NAME,
    });
  }
}

/** The `--options` JSON object (never echoed: it may hold webhook credentials). */
function parseOptionsFlag(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('--options must be a JSON object', { command: NAME });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError('--options must be a JSON object', { command: NAME });
  }
  for (const field of ['id', 'key', 'secret']) {
    if (field in parsed) {
      throw new UsageError(`--options cannot set "${field}" (use the argument or the flags)`, {
        command: NAME,
      });
    }
  }
  return parsed as Record<string, unknown>;
}

/** The settings the flags give, over `base`. */
function applyFlags(base: Record<string, unknown>, flags: AppsFlags): Record<string, unknown> {
  const app: Record<string, unknown> = { ...base, ...parseOptionsFlag(flags.options) };
  if (flags.key !== undefined) app['key'] = flags.key;
  if (flags.name !== undefined) app['name'] = flags.name;
  if (flags.enable === true) app['enabled'] = true;
  if (flags.disable === true) app['enabled'] = false;
  const clientEvents = flags['client-events'];
  if (clientEvents !== undefined) {
    if (clientEvents !== 'on' && clientEvents !== 'off') {
      throw new UsageError('--client-events must be on or off', { command: NAME });
    }
    app['enableClientMessages'] = clientEvents === 'on';
  }
  return app;
}

/** Reads the secret from stdin (trimmed; at most 4 KiB). */
async function readSecret(io: CliIo): Promise<string> {
  let text = '';
  for await (const chunk of io.stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (text.length > MAX_STDIN_SECRET_BYTES) {
      throw new UsageError('--secret-stdin: the secret is too long', { command: NAME });
    }
  }
  const secret = text.trim();
  if (secret === '') throw new UsageError('--secret-stdin: stdin is empty', { command: NAME });
  return secret;
}

function requireId(sub: Subcommand, id: string | undefined): string {
  if (id === undefined || id === '') {
    throw new UsageError(`"apps ${sub}" needs the app id`, { command: NAME });
  }
  return id;
}

/** The created or rotated credentials, printed once. */
function credentialsText(verb: string, app: AppOptions, showSecret: boolean): string {
  const lines = [`${verb} app ${app.id}: every node on this Redis serves it now.`];
  lines.push(`  id      ${app.id}`, `  key     ${app.key}`);
  if (showSecret) {
    lines.push(
      `  secret  ${app.secret}`,
      '',
      'The secret is shown this once: store it now ("pushwire apps update ID --rotate-secret" makes a new one).',
    );
  }
  return lines.join('\n');
}

interface RunContext {
  readonly sub: Subcommand;
  readonly id: string | undefined;
  readonly flags: AppsFlags;
  readonly connected: ConnectedRedisAppStore;
  readonly io: CliIo;
  readonly json: boolean;
  /** Secrets to keep out of any error message. */
  readonly secrets: string[];
}

async function runSubcommand(context: RunContext): Promise<void> {
  const { sub, flags, io, json, secrets } = context;
  const { store } = context.connected;
  if (sub === 'list') {
    const apps = (await store.read()).map(({ id, app }) => {
      const fields =
        typeof app === 'object' && app !== null ? (app as Record<string, unknown>) : {};
      return {
        id,
        key: typeof fields['key'] === 'string' ? fields['key'] : null,
        name: typeof fields['name'] === 'string' ? fields['name'] : id,
        enabled: fields['enabled'] !== false,
      };
    });
    printResult(io, { json }, apps, () =>
      apps.length === 0
        ? 'No apps in the Redis app store.'
        : apps
            .map(
              (app) =>
                `${app.id}  key ${app.key ?? '(invalid entry)'}${app.enabled ? '' : '  (disabled)'}`,
            )
            .join('\n'),
    );
    return;
  }
  const id = requireId(sub, context.id);
  if (sub === 'remove') {
    await store.remove(id);
    printResult(
      io,
      { json },
      { id, removed: true },
      () => `Removed app ${id}: its connections are closed.`,
    );
    return;
  }
  const givenSecret = flags['secret-stdin'] === true ? await readSecret(io) : undefined;
  if (givenSecret !== undefined) secrets.push(givenSecret);
  if (sub === 'add') {
    const secret = givenSecret ?? randomHex(SECRET_BYTES);
    secrets.push(secret);
    const app = { key: randomHex(KEY_BYTES), ...applyFlags({}, flags), id, secret } as AppOptions;
    await store.add(app);
    // A secret given on stdin is not echoed: only a generated one is shown (this once).
    const generated = givenSecret === undefined;
    printResult(io, { json }, { id, key: app.key, ...(generated ? { secret } : {}) }, () =>
      credentialsText('Added', app, generated),
    );
    return;
  }
  const stored = await store.get(id);
  if (stored === undefined) {
    throw new UsageError(`no app "${id}" in the Redis app store`, { command: NAME });
  }
  secrets.push(String(stored.secret));
  const rotated = flags['rotate-secret'] === true ? randomHex(SECRET_BYTES) : givenSecret;
  if (rotated !== undefined) secrets.push(rotated);
  const app = {
    ...applyFlags(stored as unknown as Record<string, unknown>, flags),
    id,
    secret: rotated ?? stored.secret,
  } as AppOptions;
  await store.update(app);
  const showSecret = flags['rotate-secret'] === true;
  printResult(
    io,
    { json },
    { id, key: app.key, ...(showSecret ? { secret: app.secret } : {}) },
    () => credentialsText('Updated', app, showSecret),
  );
}

/** The `apps` command. */
export const appsCommand: Command = {
  name: NAME,
  summary: 'add, list, update or remove the apps a cluster shares in Redis',
  help: HELP,
  async run(argv, io) {
    const { flags, positionals } = parseCommandArgs(NAME, argv, APPS_FLAGS, 2);
    if (flags.help === true) {
      io.stdout.write(`${HELP}\n`);
      return ExitCode.Ok;
    }
    const sub = SUBCOMMANDS.find((candidate) => candidate === positionals[0]);
    if (sub === undefined) {
      throw new UsageError(
        positionals[0] === undefined
          ? 'missing the subcommand: add, list, update or remove'
          : `unknown subcommand "${positionals[0]}" (add, list, update or remove)`,
        { command: NAME },
      );
    }
    if (sub === 'list' && positionals[1] !== undefined) {
      throw new UsageError(`unexpected argument(s): ${positionals[1]}`, { command: NAME });
    }
    rejectMisplacedFlags(sub, flags);
    const url = flags['redis-url'] ?? (io.env['PUSHWIRE_REDIS_URL']?.trim() || undefined);
    if (url === undefined) {
      throw new UsageError('needs --redis-url URL (or PUSHWIRE_REDIS_URL)', { command: NAME });
    }
    if (!/^rediss?(\+cluster)?:\/\//.test(url)) {
      // Not echoed: the URL may carry a password.
      throw new UsageError(
        '--redis-url must start with redis://, rediss://, redis+cluster:// or rediss+cluster://',
        { command: NAME },
      );
    }
    const keyPrefix =
      flags['redis-key-prefix'] ?? (io.env['PUSHWIRE_REDIS_KEY_PREFIX']?.trim() || undefined);
    const json = flags.json === true;
    const secrets: string[] = [];
    let connected: ConnectedRedisAppStore | undefined;
    try {
      const { connectRedisAppStore } = await import('@pushwire/server');
      connected = await connectRedisAppStore(url, keyPrefix);
      await runSubcommand({ sub, id: positionals[1], flags, connected, io, json, secrets });
      return ExitCode.Ok;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      printError(io, { json }, error, secrets);
      return error instanceof Error && error.name === 'ServerConfigError'
        ? ExitCode.Usage
        : ExitCode.Failure;
    } finally {
      await connected?.close();
    }
  },
};
