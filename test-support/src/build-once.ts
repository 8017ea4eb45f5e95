/**
 * @module test-support/build-once
 * vitest global setup: builds the packages whose dist is missing or older than their sources, once
 * per run and before any test file starts (the CLI, e2e and multi-node tests run the built
 * packages). After `npm test` or `npm run build` it only compares modification times.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scripts/build-if-stale.mjs', import.meta.url));

export default function buildOnce(): void {
  const result = spawnSync(process.execPath, [SCRIPT, ROOT], { encoding: 'utf8' });
  const building = result.stdout.split('\n').filter((line) => line.includes(': building'));
  if (building.length > 0) console.log(`built before the tests:\n${building.join('\n')}`);
  if (result.status !== 0) {
    throw new Error(
      `the build failed (scripts/build-if-stale.mjs):\n${result.stdout}${result.stderr}`,
    );
  }
}
