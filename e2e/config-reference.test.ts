/**
 * @module e2e/config-reference
 * The generated option tables of packages/server/docs/configuration.md: up to date with the code,
 * one row for every option, and every environment variable and `pushwire serve` flag they list
 * really sets its option through the real loader (`loadServerOptions`) and the CLI's own flag
 * handling (`buildServeOptions`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AppOptions,
  ENV_VARIABLES,
  loadServerOptions,
  resolveServerOptions,
  type ServerOptions,
  type TlsOptions,
  type WebhookTarget,
} from '@pushwire/server';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../packages/cli/src/args';
import { buildServeOptions, SERVE_FLAGS, serveCommand } from '../packages/cli/src/commands/serve';
import { CONFIG_FILE_OPTION, SERVE_FLAG_OPTIONS } from '../packages/cli/src/commands/serve-flags';
import { LIMIT_NAMES } from '../packages/server/src/options/limits';
import type { ReferenceRow } from '../scripts/config-reference/collect';
import { collectReference, expectedReferenceDoc } from '../scripts/config-reference/index';

// Exhaustive by type: a new option is a type error here until it is listed (and then needs a row).
const SERVER_KEYS: Record<keyof ServerOptions, true> = {
  host: true,
  port: true,
  apps: true,
  relaxed: true,
  activityTimeoutSec: true,
  pongTimeoutSec: true,
  webhooks: true,
  adapter: true,
  redisUrl: true,
  redisKeyPrefix: true,
  redisApps: true,
  limits: true,
  userAuthenticationTimeoutMs: true,
  logger: true,
  logLevel: true,
  onEvent: true,
  metrics: true,
  console: true,
  pathPrefix: true,
  transport: true,
  tls: true,
  cors: true,
  shutdownTimeoutMs: true,
  maxBufferedBytes: true,
  vacateDelayMs: true,
  webhookBatchMs: true,
  webhookMaxQueuedBytes: true,
  webhookMaxQueuedBytesPerApp: true,
  webhookMaxQueuedBytesPerTarget: true,
  webhookMaxQueuedEventsPerTarget: true,
  webhookConcurrencyPerTarget: true,
  webhookRequestTimeoutMs: true,
  authTimestampToleranceSec: true,
  maxConnections: true,
  maxConnectionsPerIp: true,
  trustedProxies: true,
  requestTimeoutMs: true,
  inboundFramesPerSecond: true,
  inboundFrameBurst: true,
  inboundBytesPerSecond: true,
  inboundByteBurst: true,
};
const APP_KEYS: Record<keyof AppOptions, true> = {
  id: true,
  key: true,
  secret: true,
  name: true,
  enabled: true,
  enableClientMessages: true,
  requireUserAuthentication: true,
  subscriptionCountEvents: true,
  watchlistEvents: true,
  webhooks: true,
  webhookBatching: true,
  limits: true,
  allowedOrigins: true,
};
const WEBHOOK_KEYS: Record<keyof WebhookTarget, true> = {
  url: true,
  events: true,
  headers: true,
  channelPrefix: true,
  channelSuffix: true,
};

const reference = collectReference();
const rows = reference.sections.flatMap((section) => section.rows);
const rowKeys = new Set(rows.map((row) => row.key));

const scratch = mkdtempSync(join(tmpdir(), 'pushwire-config-reference-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A value to give an option in a variable or a flag, what it must become, and its companions. */
interface Sample {
  readonly text: string;
  readonly expected: unknown;
  /** Variables or flags the option needs beside it (keyed by option). */
  readonly with?: Readonly<Record<string, string>>;
}

const CREDENTIALS = { 'apps[].id': 'app-1', 'apps[].key': 'key-1', 'apps[].secret': 'secret-1' };

function sampleFor(row: ReferenceRow): Sample {
  switch (row.key) {
    case CONFIG_FILE_OPTION: {
      const path = join(scratch, 'pushwire.json');
      writeFileSync(path, JSON.stringify({ pathPrefix: '/from-file' }));
      return { text: path, expected: '/from-file' };
    }
    case 'host':
      return { text: 'localhost', expected: 'localhost' };
    case 'apps':
      return {
        text: JSON.stringify([{ id: 'a', key: 'b', secret: 'c' }]),
        expected: { id: 'a', key: 'b', secret: 'c' },
      };
    case 'apps[].id':
    case 'apps[].key':
    case 'apps[].secret':
      return { text: CREDENTIALS[row.key], expected: CREDENTIALS[row.key], with: CREDENTIALS };
    case 'apps[].enableClientMessages':
      return { text: 'yes', expected: true, with: CREDENTIALS };
    case 'webhooks':
      return { text: 'http://127.0.0.1:9/hook', expected: { url: 'http://127.0.0.1:9/hook' } };
    case 'redisUrl':
      return { text: 'redis://127.0.0.1:6390', expected: 'redis://127.0.0.1:6390' };
    case 'redisKeyPrefix':
      return { text: 'test:', expected: 'test:' };
    case 'logLevel':
      return { text: 'debug', expected: 'debug' };
    case 'transport':
      return { text: 'node', expected: 'node' };
    case 'tls.cert':
    case 'tls.key':
    case 'tls.ca':
      return { text: '/etc/pushwire/file.pem', expected: '/etc/pushwire/file.pem' };
    case 'tls.passphrase':
      return { text: ' pass phrase ', expected: ' pass phrase ' };
    case 'cors.origins':
      return { text: 'https://a.example', expected: 'https://a.example' };
    case 'trustedProxies':
      return { text: '10.0.0.0/8', expected: '10.0.0.0/8' };
    case 'metrics.host':
      return { text: '127.0.0.2', expected: '127.0.0.2', with: { 'metrics.port': '9464' } };
    default:
      if (row.type === 'number') return { text: '4096', expected: 4096 };
      if (row.type === 'boolean') return { text: 'on', expected: true };
      throw new Error(`no sample value for ${row.key}: add one to this test`);
  }
}

/** The value of `key` in merged options (the first element of a list). */
function optionValue(options: ServerOptions, key: string): unknown {
  if (key === CONFIG_FILE_OPTION) return options.pathPrefix;
  let value: unknown = options;
  for (const part of key.replace('[]', '').split('.')) {
    if (Array.isArray(value)) value = value[0];
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return Array.isArray(value) ? value[0] : value;
}

function rowOf(key: string): ReferenceRow {
  const row = rows.find((candidate) => candidate.key === key);
  if (row === undefined) throw new Error(`no row for ${key}`);
  return row;
}

/** The merged options are valid as a whole (TLS paths are not read until `listen()`). */
function expectValid(options: ServerOptions): void {
  const given: Partial<TlsOptions> | undefined = options.tls;
  const tls =
    given === undefined
      ? {}
      : { tls: { ...given, cert: given.cert ?? 'c', key: given.key ?? 'k' } };
  expect(() => resolveServerOptions({ ...options, ...tls, logLevel: 'silent' })).not.toThrow();
}

describe('the generated configuration reference', () => {
  it('is up to date in packages/server/docs/configuration.md (npm run docs:config)', () => {
    const { current, expected, problems } = expectedReferenceDoc();
    expect(problems).toEqual([]);
    expect(current === expected, 'run `npm run docs:config` and commit the result').toBe(true);
  });

  it('has a row for every server, app, limit and webhook option', () => {
    const expected = [
      ...Object.keys(SERVER_KEYS),
      ...Object.keys(APP_KEYS).map((key) => `apps[].${key}`),
      ...LIMIT_NAMES.map((name) => `limits.${name}`),
      ...Object.keys(WEBHOOK_KEYS).map((key) => `webhooks[].${key}`),
    ];
    expect(expected.filter((key) => !rowKeys.has(key))).toEqual([]);
  });

  it('lists every variable the server reads and every flag of pushwire serve', () => {
    const listedEnv = new Set(rows.flatMap((row) => row.env));
    expect(Object.keys(ENV_VARIABLES).filter((name) => !listedEnv.has(name))).toEqual([]);
    const listedFlags = new Set(rows.flatMap((row) => row.flags.map((flag) => flag.split(' ')[0])));
    expect(Object.keys(SERVE_FLAG_OPTIONS).filter((flag) => !listedFlags.has(`--${flag}`))).toEqual(
      [],
    );
  });

  it('has every flag of pushwire serve in its --help text', () => {
    const undocumented = Object.keys(SERVE_FLAG_OPTIONS).filter(
      (flag) => !serveCommand.help.includes(`--${flag} `),
    );
    expect(undocumented).toEqual([]);
  });

  const envCases = rows.flatMap((row) =>
    row.env.filter((name) => name.startsWith('PUSHWIRE_')).map((name) => ({ name, row })),
  );
  it.each(envCases)('$name sets $row.key', ({ name, row }) => {
    const sample = sampleFor(row);
    const env: Record<string, string> = { [name]: sample.text };
    for (const [key, text] of Object.entries(sample.with ?? {})) {
      const companion = rowOf(key).env.find((variable) => variable.startsWith('PUSHWIRE_'));
      if (companion !== undefined && companion !== name) env[companion] = text;
    }
    const options = loadServerOptions({ env });
    expect(optionValue(options, row.key)).toEqual(sample.expected);
    expectValid(options);
  });

  const flagCases = rows.flatMap((row) =>
    row.flags.map((shown) => ({ flag: shown.split(' ')[0] ?? shown, row })),
  );
  it.each(flagCases)('$flag sets $row.key', async ({ flag, row }) => {
    const name = flag.slice(2) as keyof typeof SERVE_FLAGS;
    const sample = sampleFor(row);
    const argv =
      SERVE_FLAGS[name].type === 'boolean'
        ? [flag]
        : [flag, sample.text.trim() === '' ? 'x' : sample.text];
    for (const [key, text] of Object.entries(sample.with ?? {})) {
      const companion = rowOf(key).flags[0]?.split(' ')[0];
      if (companion !== undefined && companion !== flag) argv.push(companion, text);
    }
    const { flags } = parseCommandArgs('serve', argv, SERVE_FLAGS, 0);
    const options = await buildServeOptions(flags, {});
    // `--no-*` flags turn their option off.
    const expected = flag.startsWith('--no-') ? false : sample.expected;
    expect(optionValue(options, row.key)).toEqual(expected);
    expectValid(options);
  });
});
