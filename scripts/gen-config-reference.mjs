#!/usr/bin/env node
/**
 * Writes the generated option tables of packages/server/docs/configuration.md (`npm run
 * docs:config`); `--check` only says whether they are up to date (exit 1 if not). The generator
 * is TypeScript (scripts/config-reference/) that reads the sources, so it is bundled with esbuild
 * into a temporary file (under node_modules/.cache) first: no build of the packages is needed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');

// Inside the repository, so that the bundle's imports (typescript, ws) resolve from node_modules.
const cache = join(root, 'node_modules/.cache');
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, 'pushwire-config-reference-'));
try {
  const outfile = join(dir, 'generator.mjs');
  await build({
    entryPoints: [join(root, 'scripts/config-reference/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    tsconfig: join(root, 'tsconfig.base.json'),
    // Runtime dependencies stay in node_modules; the workspace sources are bundled.
    external: ['typescript', 'ws', 'ioredis', 'pusher-js'],
    // The bundle lives in a temporary directory: import.meta.url must still point at the sources.
    define: {
      'import.meta.url': JSON.stringify(
        pathToFileURL(join(root, 'scripts/config-reference/index.ts')).href,
      ),
    },
    logLevel: 'error',
  });
  const { expectedReferenceDoc, REFERENCE_DOC, REFERENCE_DOC_PATH } = await import(
    pathToFileURL(outfile).href
  );
  const { current, expected, problems } = expectedReferenceDoc();
  for (const problem of problems) process.stderr.write(`warning: ${problem}\n`);
  if (check) {
    if (current !== expected) {
      process.stderr.write(`${REFERENCE_DOC} is out of date: run \`npm run docs:config\`.\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(`${REFERENCE_DOC} is up to date.\n`);
    }
  } else if (current === expected) {
    process.stdout.write(`${REFERENCE_DOC} was already up to date.\n`);
  } else {
    writeFileSync(REFERENCE_DOC_PATH, expected);
    process.stdout.write(`${REFERENCE_DOC} updated.\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
