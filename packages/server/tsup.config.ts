// Build for @pushwire/server: ESM for Node, with the Redis adapter as its own entry (subpath export).
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'adapters/redis/index': 'src/adapters/redis/index.ts' },
  format: ['esm'],
  // `@internal` members (test hooks) stay out of the published types.
  dts: { compilerOptions: { stripInternal: true } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  external: ['@pushwire/sdk', 'ws', 'ioredis'],
});
