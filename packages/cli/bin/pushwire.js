#!/usr/bin/env node
/**
 * @module bin/pushwire
 * The `pushwire` executable npm links at install time: it loads the built CLI (`dist/bin.js`).
 * It is a committed file rather than the build output itself, so that in a source checkout the
 * link exists right after `npm install`, before the first build; until then it says how to build.
 */
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bin.js', import.meta.url);

const HOW_TO_BUILD = 'In the pushwire repository, run `npm start` or `npm run build` first.\n';

if (!existsSync(entry)) {
  process.stderr.write(
    `pushwire: the CLI is not built yet (packages/cli/dist/bin.js is missing).\n${HOW_TO_BUILD}`,
  );
  process.exit(1);
}

try {
  await import(entry.href);
} catch (error) {
  // A workspace package it imports (@pushwire/server, @pushwire/sdk) may be unbuilt too.
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write(`pushwire: ${error.message}\n${HOW_TO_BUILD}`);
  process.exit(1);
}
