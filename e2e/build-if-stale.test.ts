/**
 * @module e2e/build-if-stale
 * `scripts/build-if-stale.mjs` (behind `npm start` and `npm run demo`) on a throwaway two-package
 * monorepo: it builds what is missing, skips everything when dist is newer than the sources,
 * rebuilds a package whose source changed, and the packages that depend on a rebuilt one.
 */
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../scripts/build-if-stale.mjs', import.meta.url));
/** The fixture's build: writes dist/index.js and logs the package's name to ../builds.log. */
const BUILD = `import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
mkdirSync('dist', { recursive: true });
writeFileSync('dist/index.js', '');
appendFileSync('../builds.log', process.env.npm_package_name + '\\n');
`;

const T0 = Date.now() - 3_600_000;
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pushwire-build-if-stale-'));
  const json = (path: string, value: unknown) =>
    writeFileSync(join(root, path), JSON.stringify(value));
  json('package.json', { name: 'fixture', private: true, workspaces: ['a', 'b'] });
  writeFileSync(join(root, 'tsconfig.base.json'), '{}');
  writeFileSync(join(root, 'build.mjs'), BUILD);
  for (const name of ['a', 'b']) {
    mkdirSync(join(root, name, 'src'), { recursive: true });
    writeFileSync(join(root, name, 'src', 'index.ts'), '');
  }
  const build = { build: 'node ../build.mjs' };
  json('a/package.json', { name: 'a', main: './dist/index.js', scripts: build });
  json('b/package.json', {
    name: 'b',
    exports: { '.': { default: './dist/index.js' } },
    dependencies: { a: '0.0.0' },
    scripts: build,
  });
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Run the script on the fixture; resolve with the packages it built, in order. */
function run(): { built: string[]; stdout: string } {
  rmSync(join(root, 'builds.log'), { force: true });
  const result = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  let log = '';
  try {
    log = readFileSync(join(root, 'builds.log'), 'utf8');
  } catch {
    // Nothing was built.
  }
  settle();
  return { built: log.split('\n').filter(Boolean), stdout: result.stdout };
}

/**
 * Pin the fixture's clock (no reliance on mtime granularity or on how long a build takes): every
 * input at T0, every built file at T0 + 1 s.
 */
function settle(): void {
  const input = new Date(T0);
  const output = new Date(T0 + 1_000);
  for (const path of ['tsconfig.base.json', 'package.json'])
    utimesSync(join(root, path), input, input);
  for (const name of ['a', 'b']) {
    for (const path of ['package.json', 'src/index.ts']) {
      utimesSync(join(root, name, path), input, input);
    }
    try {
      utimesSync(join(root, name, 'dist', 'index.js'), output, output);
    } catch {
      // Not built.
    }
  }
}

/** Edit `path`: newer than the last build. */
function edit(path: string): void {
  const later = new Date(T0 + 2_000);
  utimesSync(join(root, path), later, later);
}

describe('build-if-stale', () => {
  it('builds every package whose dist is missing, then nothing while sources are unchanged', () => {
    expect(run().built).toEqual(['a', 'b']);
    const again = run();
    expect(again.built).toEqual([]);
    expect(again.stdout).toBe('a: up to date\nb: up to date\n');
  });

  it('rebuilds a package whose source changed, and the packages that depend on it', () => {
    edit('b/src/index.ts');
    expect(run().built).toEqual(['b']);
    edit('a/src/index.ts');
    const both = run();
    expect(both.built).toEqual(['a', 'b']);
    expect(both.stdout).toContain('b: building (a was rebuilt)');
    expect(run().built).toEqual([]);
  });

  it('rebuilds when a dist entry named by package.json is missing or a config changed', () => {
    unlinkSync(join(root, 'b', 'dist', 'index.js'));
    expect(run().stdout).toContain('b: building (dist/index.js is missing)');
    edit('tsconfig.base.json');
    expect(run().built).toEqual(['a', 'b']);
  });

  it('skips a workspace without a build script (a private test-support package)', () => {
    mkdirSync(join(root, 'c'), { recursive: true });
    writeFileSync(join(root, 'c', 'package.json'), JSON.stringify({ name: 'c', private: true }));
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify({ name: 'fixture', private: true, workspaces: ['a', 'b', 'c'] }),
    );
    settle();
    const result = run();
    expect(result.built).toEqual([]);
    expect(result.stdout).toBe('a: up to date\nb: up to date\n');
  });
});
