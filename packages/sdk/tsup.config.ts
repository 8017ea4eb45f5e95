// Build for @pushwire/sdk: ESM + CJS with bundled .d.ts, platform-neutral (no Node built-ins imported).
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['tweetnacl'],
});
