// Build for @pushwire/server: ESM for Node, with the Redis adapter and the test helpers as their own
// entries (subpath exports `./adapters/redis` and `./testing`).
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'adapters/redis/index': 'src/adapters/redis/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  format: ['esm'],
  // `@internal` members (test hooks) stay out of the published types.
  dts: { compilerOptions: { stripInternal: true } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  external: ['@pushwire/sdk', 'ws', 'ioredis', 'pusher-js'],
});
