/**
 * @module e2e/container-files
 * The Dockerfile, .dockerignore and compose.yaml, checked without a container engine (none runs
 * on the CI machines): every COPY source exists and reaches the build context, the entrypoint is
 * the CLI's bin and the command its `serve`, the HEALTHCHECK command answers 0 against a
 * real server and 1 when nothing listens, every PUSHWIRE_* variable set is one the server reads,
 * and the variables of each compose node, defaults filled as compose would, load into a valid
 * configuration of one app on a shared Redis. compose.yaml is parsed with Bun's YAML parser (the
 * Bun of runtime-tests), so no YAML dependency is added.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  createServer,
  ENV_VARIABLES,
  loadServerOptions,
  resolveServerOptions,
} from '@pushwire/server';
import { selfSignedCert } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { serveCommand } from '../packages/cli/src/commands/serve';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUN = join(ROOT, 'runtime-tests/node_modules/.bin/bun');
const run = promisify(execFile);

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function dockerfile(): Instruction[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const logical = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return logical
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

function instructions(keyword: string): Instruction[] {
  return dockerfile().filter((instruction) => instruction.keyword === keyword);
}

/** A JSON-form (exec form) instruction's array. */
function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed)) throw new Error(`not an exec form: ${args}`);
  return parsed.map(String);
}

/** Whether .dockerignore leaves `path` (a repository path) out of the build context. */
function ignored(path: string): boolean {
  const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  // `**/` is any number of directories, `*` anything within one path segment.
  const segment = (part: string) =>
    part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  const toRegExp = (pattern: string) =>
    new RegExp(`^${pattern.split('**/').map(segment).join('(?:.*/)?')}(?:/.*)?$`);
  return patterns.some((pattern) => toRegExp(pattern).test(path));
}

/** The ENV instruction's `NAME=value` pairs. */
function dockerEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of instructions('ENV')) {
    for (const pair of args.split(/\s+/)) {
      const [name = '', ...value] = pair.split('=');
      env[name] = value.join('=');
    }
  }
  return env;
}

interface ComposeService {
  readonly image?: string;
  readonly build?: string;
  readonly environment?: Record<string, string>;
  readonly ports?: string[];
  readonly depends_on?: Record<string, { condition: string }>;
}

function compose(): { services: Record<string, ComposeService> } {
  const output = execFileSync(
    BUN,
    ['-e', 'console.log(JSON.stringify(Bun.YAML.parse(await Bun.file(process.env.FILE).text())))'],
    { encoding: 'utf8', env: { ...process.env, FILE: join(ROOT, 'compose.yaml') } },
  );
  return JSON.parse(output) as { services: Record<string, ComposeService> };
}

/** `${NAME:-default}` / `${NAME:?message}` as compose fills them from `given`. */
function interpolate(value: string, given: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind, rest) => {
    const set = given[name];
    if (set !== undefined && set !== '') return set;
    if (kind === '-') return rest as string;
    throw new Error(`compose would refuse to start without ${name}: ${String(rest)}`);
  });
}

describe('the Dockerfile', () => {
  it('copies only files that exist and reach the build context', () => {
    const sources = instructions('COPY')
      .filter(({ args }) => !args.startsWith('--from'))
      .flatMap(({ args }) => args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(ignored(source), `${source} is excluded by .dockerignore`).toBe(false);
    }
    // And the context leaves out what must not be sent or baked in.
    for (const path of ['node_modules', 'packages/server/dist', 'packages/cli/test', '.env']) {
      expect(ignored(path), path).toBe(true);
    }
  });

  it('runs `pushwire serve` as an unprivileged user', () => {
    const cli = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const [entrypoint] = instructions('ENTRYPOINT');
    const [command] = instructions('CMD');
    expect(execForm(entrypoint?.args ?? '')).toEqual(Object.keys(cli.bin));
    expect(execForm(command?.args ?? '')).toEqual([serveCommand.name]);
    expect(instructions('USER').at(-1)?.args).toBe('node');
  });

  it('installs every package npm pack makes, by the file names it gives them', async () => {
    const install = instructions('RUN').find(({ args }) => args.includes('npm install'));
    const globs = (install?.args.match(/\/tmp\/packages\/\S+\.tgz/g) ?? []).map(
      (glob) =>
        new RegExp(
          `^${glob.replace('/tmp/packages/', '').replace(/\./g, '\\.').replace(/\*/g, '.*')}$`,
        ),
    );
    for (const workspace of ['@pushwire/sdk', '@pushwire/server', 'pushwire']) {
      const { stdout } = await run(
        'npm',
        ['pack', '--dry-run', '--json', '--ignore-scripts', '-w', workspace],
        { cwd: ROOT },
      );
      const [packed] = JSON.parse(stdout) as [{ filename: string }];
      expect(
        globs.filter((glob) => glob.test(packed.filename)),
        packed.filename,
      ).toHaveLength(1);
    }
  });

  it('sets only variables the server reads, and exposes the port it sets', () => {
    const env = dockerEnv();
    const names = Object.keys(env).filter((name) => name.startsWith('PUSHWIRE_'));
    expect(names.filter((name) => !(name in ENV_VARIABLES))).toEqual([]);
    expect(instructions('EXPOSE').map(({ args }) => args)).toEqual([env['PUSHWIRE_PORT']]);
    expect(() => loadServerOptions({ env })).not.toThrow();
  });

  it('has a HEALTHCHECK that passes against a serving node and fails when none listens', async () => {
    const [healthcheck] = instructions('HEALTHCHECK');
    const command = execForm(healthcheck?.args.replace(/^.*?CMD\s+/, '') ?? '');
    expect(command[0]).toBe('node');
    const server = createServer({ port: 0, logLevel: 'silent' });
    onTestFinished(() => server.close());
    const { port } = await server.listen();
    const probe = (env: Record<string, string>) =>
      run(process.execPath, command.slice(1), { env: { ...process.env, ...env } }).then(
        () => 0,
        (error: { code?: number }) => error.code ?? -1,
      );
    expect(await probe({ PUSHWIRE_PORT: String(port) })).toBe(0);
    await server.close();
    expect(await probe({ PUSHWIRE_PORT: String(port) })).toBe(1);
  });

  it('has a HEALTHCHECK that speaks HTTPS when the node serves TLS', async () => {
    const [healthcheck] = instructions('HEALTHCHECK');
    const command = execForm(healthcheck?.args.replace(/^.*?CMD\s+/, '') ?? '');
    const dir = mkdtempSync(join(tmpdir(), 'pushwire-healthcheck-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // A self-signed certificate for a public name: the probe must not depend on trusting it.
    const pem = selfSignedCert({ commonName: 'push.example.com' });
    writeFileSync(join(dir, 'cert.pem'), pem.cert);
    writeFileSync(join(dir, 'key.pem'), pem.key);
    const tls = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
    const server = createServer({ port: 0, logLevel: 'silent', tls });
    onTestFinished(() => server.close());
    const { port } = await server.listen();
    const env = { ...process.env, PUSHWIRE_PORT: String(port), PUSHWIRE_TLS_CERT: tls.cert };
    await expect(run(process.execPath, command.slice(1), { env })).resolves.toBeDefined();
  });
});

describe('compose.yaml', () => {
  const { services } = compose();
  const nodes = Object.entries(services).filter(([name]) => name.startsWith('pushwire'));

  it('runs Redis and two pushwire nodes built from the Dockerfile', () => {
    expect(Object.keys(services).sort()).toEqual(['pushwire-1', 'pushwire-2', 'redis']);
    for (const [, node] of nodes) {
      expect(node.build).toBe('.');
      expect(node.depends_on?.['redis']?.condition).toBe('service_healthy');
    }
    const hostPorts = nodes.flatMap(([, node]) => (node.ports ?? []).map((p) => p.split(':')[0]));
    expect(new Set(hostPorts).size).toBe(2);
    const containerPorts = nodes.flatMap(([, node]) =>
      (node.ports ?? []).map((p) => p.split(':')[1]),
    );
    expect(new Set(containerPorts)).toEqual(new Set([dockerEnv()['PUSHWIRE_PORT']]));
  });

  it('configures each node with real PUSHWIRE_* variables: one app on the shared Redis', () => {
    const loaded = nodes.map(([name, node]) => {
      const variables = node.environment ?? {};
      expect(
        Object.keys(variables).filter((key) => !(key in ENV_VARIABLES)),
        name,
      ).toEqual([]);
      const env = Object.fromEntries(
        Object.entries(variables).map(([key, value]) => [
          key,
          interpolate(String(value), { PUSHWIRE_APP_SECRET: 'a-real-secret' }),
        ]),
      );
      const options = loadServerOptions({ env: { ...dockerEnv(), ...env } });
      const resolved = resolveServerOptions({ ...options, logLevel: 'silent' });
      expect(resolved.redisUrl).toBe('redis://redis:6379');
      expect(resolved.host).toBe('0.0.0.0');
      return resolved.apps.map(({ id, key, secret }) => ({ id, key, secret }));
    });
    expect(loaded[0]).toHaveLength(1);
    expect(loaded[1]).toEqual(loaded[0]);
  });

  it('refuses to start without an app secret (no public default on 0.0.0.0)', () => {
    const [, node] = nodes[0] ?? [];
    const secret = String(node?.environment?.['PUSHWIRE_APP_SECRET']);
    expect(() => interpolate(secret, {})).toThrow(/PUSHWIRE_APP_SECRET/);
  });
});
