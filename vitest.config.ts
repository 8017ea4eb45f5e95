// Test projects: one per package plus the end-to-end suite; packages resolve to their sources. The
// global setup builds whatever dist is stale, once per run, before any file starts. Most files wait
// on sockets and child processes, so three run at a time on two cores; the server, CLI and e2e
// files share their workers' module graph (isolate: false: each file starts and closes its own
// servers, and none leaves a global patched), which spares re-importing the packages for every
// file; the few that mock a module or patch Node's HTTP stack run isolated in the *-mocks projects.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Files that replace a module (vi.mock) or patch Node's HTTP stack (msw, nock, a global undici
 * dispatcher): each runs with a module graph of its own, in the *-mocks projects.
 */
const SDK_GLOBAL_PATCHES = [
  'packages/sdk/test/mock-safety-msw.test.ts',
  'packages/sdk/test/mock-safety-nock.test.ts',
  'packages/sdk/test/differential.test.ts',
];
const SERVER_MODULE_MOCKS = ['packages/server/test/cluster-redis-url-missing.test.ts'];

const alias = {
  '@pushwire/sdk': src('./packages/sdk/src/index.ts'),
  '@pushwire/server/adapters/redis': src('./packages/server/src/adapters/redis/index.ts'),
  '@pushwire/server/testing': src('./packages/server/src/testing/index.ts'),
  '@pushwire/server': src('./packages/server/src/index.ts'),
  '@pushwire/test-support': src('./test-support/src/index.ts'),
};

export default defineConfig({
  test: {
    globalSetup: ['./test-support/src/build-once.ts'],
    maxWorkers: 3,
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'sdk',
          include: ['packages/sdk/test/**/*.test.ts'],
          exclude: SDK_GLOBAL_PATCHES,
          isolate: false,
          typecheck: {
            enabled: true,
            include: ['packages/sdk/test/**/*.test-d.ts'],
            // Only the type tests: `npm run typecheck` checks the other test files.
            tsconfig: 'packages/sdk/tsconfig.types.json',
          },
        },
      },
      {
        resolve: { alias },
        test: { name: 'sdk-mocks', include: SDK_GLOBAL_PATCHES },
      },
      {
        resolve: { alias },
        test: {
          name: 'server',
          include: ['packages/server/test/**/*.test.ts'],
          exclude: ['packages/server/test/attacks/**', ...SERVER_MODULE_MOCKS],
          isolate: false,
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'server-mocks',
          include: SERVER_MODULE_MOCKS,
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        // The attack suite measures CPU time and a bystander's ping: its files run one at a time,
        // after every other project, so no other test competes for the two cores.
        resolve: { alias },
        test: {
          name: 'attacks',
          include: ['packages/server/test/attacks/**/*.test.ts'],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'cli',
          include: ['packages/cli/test/**/*.test.ts'],
          testTimeout: 30_000,
          isolate: false,
        },
      },
      {
        resolve: { alias },
        test: { name: 'e2e', include: ['e2e/**/*.test.ts'], testTimeout: 30_000, isolate: false },
      },
    ],
  },
});
