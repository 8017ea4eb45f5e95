/**
 * @module e2e/testing-recipes
 * The node:test recipe of packages/server/docs/testing.md runs as users run it: `node --test` on
 * packages/server/test/fixtures/testing-recipe.node-test.mjs, importing `@pushwire/server/testing`
 * and `@pushwire/sdk` from the built packages. Its TAP output is kept out of this run's output
 * (CI reads the closing lines of node's runner) and shown only when it fails. And without pusher-js
 * (hidden by a resolve hook), `client()` says to install it while the rest keeps working.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@pushwire/test-support';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RECIPE = 'packages/server/test/fixtures/testing-recipe.node-test.mjs';

beforeAll(() => {
  for (const dist of ['packages/sdk/dist/index.js', 'packages/server/dist/testing/index.js']) {
    if (!existsSync(`${ROOT}${dist}`)) {
      throw new Error(`${dist} is missing: the recipe runs the built packages (npm run build)`);
    }
  }
});

/** Runs node with `args` in `cwd` and resolves with its exit code and output. */
async function runNode(
  args: string[],
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
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
    `node ${args[0] ?? ''} to exit`,
    (resolve) => child.on('exit', (exitCode) => resolve(exitCode)),
    25_000,
  );
  return { code, output };
}

describe('testing recipes', () => {
  it('the node:test recipe passes under `node --test`', async () => {
    const { code, output } = await runNode(['--test', '--test-reporter=tap', RECIPE], ROOT);
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toMatch(/^# pass 3$/m);
    expect(output).toMatch(/^# fail 0$/m);
  }, 30_000);

  it('without pusher-js, client() rejects with a TestServerError that says to install it', async () => {
    // Run from packages/server so that `@pushwire/server/testing` is the package's own export.
    const script = `
      const { startTestServer, TestServerError } = await import('@pushwire/server/testing');
      const { Pusher } = await import('@pushwire/sdk');
      const server = await startTestServer();
      const error = await server.client().catch((caught) => caught);
      console.log(JSON.stringify({ typed: error instanceof TestServerError, message: error.message }));
      const pusher = new Pusher(server.sdkOptions);
      await pusher.trigger('still', 'works', {});
      console.log(JSON.stringify({ captured: (await server.nextEvent({ name: 'works' })).channel }));
      pusher.close();
      await server.close();
    `;
    const { code, output } = await runNode(
      ['--import', './test/fixtures/hide-pusher-js.mjs', '--input-type=module', '-e', script],
      `${ROOT}packages/server`,
    );
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toContain(
      JSON.stringify({
        typed: true,
        message:
          'client() needs pusher-js, an optional peer dependency of @pushwire/server: npm install --save-dev pusher-js',
      }),
    );
    expect(output).toContain('{"captured":"still"}');
  }, 30_000);
});
