/**
 * @module e2e/adapter-contract-shipped
 * The adapter contract as an adapter author runs it: `runAdapterContract` from the built
 * `@pushwire/server/testing`, bound to vitest, against the built LocalAdapter; and the built
 * testing entry imports no test runner (pusher-js stays its only optional peer).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { localAdapterCluster } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';

const DIST = fileURLToPath(new URL('../packages/server/dist/', import.meta.url));
// The built files, typed as their sources (dist is built by the global setup, after type-checking).
const testing = (await import(
  `${DIST}testing/index.js`
)) as typeof import('@pushwire/server/testing');
const server = (await import(`${DIST}index.js`)) as typeof import('@pushwire/server');

testing.runAdapterContract(
  'LocalAdapter (built package)',
  localAdapterCluster({
    LocalAdapter: server.LocalAdapter,
    RecordingHandlers: testing.RecordingHandlers,
  }),
  {
    maxNodes: 1,
    singleNodeReason: 'LocalAdapter keeps all state in one process',
    runner: { describe, it, expect, onTestFinished },
  },
);

describe('the built @pushwire/server/testing', () => {
  it('ships runAdapterContract and imports no test runner', () => {
    const built = readFileSync(`${DIST}testing/index.js`, 'utf8');
    expect(built).toContain('runAdapterContract');
    expect(built).not.toMatch(/from\s*["'](vitest|@jest\/globals|mocha)["']/);
  });
});
