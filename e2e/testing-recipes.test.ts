/**
 * @module e2e/testing-recipes
 * The node:test recipe of packages/server/docs/testing.md runs as users run it: `node --test` on
 * packages/server/test/fixtures/testing-recipe.node-test.mjs, importing `@pushwire/server/testing`
 * and `@pushwire/sdk` from the built packages. Its TAP output is kept out of this run's output
 * (CI reads the closing lines of node's runner) and shown only when it fails.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { waitFor } from './helpers/wait';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RECIPE = 'packages/server/test/fixtures/testing-recipe.node-test.mjs';

beforeAll(() => {
  for (const dist of ['packages/sdk/dist/index.js', 'packages/server/dist/testing/index.js']) {
    if (!existsSync(`${ROOT}${dist}`)) {
      throw new Error(`${dist} is missing: the recipe runs the built packages (npm run build)`);
    }
  }
});

describe('testing recipes', () => {
  it('the node:test recipe passes under `node --test`', async () => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=tap', RECIPE], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    const code = await waitFor<number | null>(
      'node --test to exit',
      (resolve) => child.on('exit', (exitCode) => resolve(exitCode)),
      25_000,
    );
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toMatch(/^# pass 3$/m);
    expect(output).toMatch(/^# fail 0$/m);
  }, 30_000);
});
