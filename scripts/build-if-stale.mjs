#!/usr/bin/env node
/**
 * @module scripts/build-if-stale
 * Builds only the workspace packages whose dist is missing or older than their sources (used by
 * `npm start` and `npm run demo`, so a second start with unchanged sources starts at once).
 * A package is stale when a file its package.json points into dist/ is missing, or when any of
 * src/, package.json, tsup.config.ts, tsconfig.json or the root tsconfig.base.json is newer than
 * the oldest file in its dist/. A rebuilt package rebuilds the workspace packages that depend on it.
 * A workspace without a build script (the private test-support one) is skipped. vitest runs this
 * as its global setup (test-support/src/build-once.ts), once per run; `npm run build` (and
 * `npm test`) still rebuild everything.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The monorepo's root: this repository, or the one given as the first argument (tests).
const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const PACKAGE_INPUTS = ['package.json', 'tsup.config.ts', 'tsconfig.json'];
const ROOT_INPUTS = ['tsconfig.base.json'];

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Every file under `dir` (recursively), or none when it does not exist. */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** The dist/ files a package.json names (main, module, types, exports, bin). */
function distEntries(manifest) {
  const found = new Set();
  const visit = (value) => {
    if (typeof value === 'string') {
      if (/^(\.\/)?dist\//.test(value)) found.add(value.replace(/^\.\//, ''));
    } else if (value !== null && typeof value === 'object') {
      for (const inner of Object.values(value)) visit(inner);
    }
  };
  visit([manifest.main, manifest.module, manifest.types, manifest.exports, manifest.bin]);
  return [...found];
}

/** Why `dir` needs a build, or undefined when its dist is newer than every input. */
function staleReason(dir, manifest) {
  const missing = distEntries(manifest).find((entry) => !existsSync(join(dir, entry)));
  if (missing !== undefined) return `${missing} is missing`;
  const outputs = filesUnder(join(dir, 'dist'));
  if (outputs.length === 0) return 'dist/ is empty';
  const oldestOutput = Math.min(...outputs.map((path) => statSync(path).mtimeMs));
  const inputs = [
    ...filesUnder(join(dir, 'src')),
    ...PACKAGE_INPUTS.map((name) => join(dir, name)).filter((path) => existsSync(path)),
    ...ROOT_INPUTS.map((name) => join(root, name)),
  ];
  const newer = inputs.find((path) => statSync(path).mtimeMs > oldestOutput);
  return newer === undefined ? undefined : `${newer.slice(root.length + 1)} changed`;
}

// Workspaces are listed in build order (each after the packages it depends on).
const workspaces = readJson(join(root, 'package.json')).workspaces;
const rebuilt = new Set();
for (const workspace of workspaces) {
  const dir = join(root, workspace);
  const manifest = readJson(join(dir, 'package.json'));
  if (manifest.scripts?.build === undefined) continue;
  const dependency = Object.keys(manifest.dependencies ?? {}).find((name) => rebuilt.has(name));
  const reason =
    dependency !== undefined ? `${dependency} was rebuilt` : staleReason(dir, manifest);
  if (reason === undefined) {
    console.log(`${manifest.name}: up to date`);
    continue;
  }
  console.log(`${manifest.name}: building (${reason})`);
  const build = spawnSync('npm', ['run', 'build', '--silent', '-w', manifest.name], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) {
    console.error(`${manifest.name}: the build failed`);
    process.exit(build.status ?? 1);
  }
  rebuilt.add(manifest.name);
}
