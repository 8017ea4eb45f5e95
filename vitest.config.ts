// Test projects: one per package plus the end-to-end suite; packages resolve to their sources. The
// global setup builds whatever dist is stale, once per run, before any file starts.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

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
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'sdk',
          include: ['packages/sdk/test/**/*.test.ts'],
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
        test: {
          name: 'server',
          include: ['packages/server/test/**/*.test.ts'],
          exclude: ['packages/server/test/attacks/**'],
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
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: { name: 'cli', include: ['packages/cli/test/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        resolve: { alias },
        test: { name: 'e2e', include: ['e2e/**/*.test.ts'], testTimeout: 30_000 },
      },
    ],
  },
});
