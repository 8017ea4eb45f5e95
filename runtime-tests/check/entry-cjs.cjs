/**
 * @module runtime-tests/check/entry-cjs
 * CommonJS entry (Node): `require`s the packed SDK (its CJS build) and runs the shared checks.
 */
const sdk = require('@pushwire/sdk');

const env = {
  endpoint: process.env.PUSHWIRE_RUNTIME_ENDPOINT,
  runtime: process.env.PUSHWIRE_RUNTIME_NAME,
};
import('./checks.mjs').then(async ({ RESULT_PREFIX, runChecks }) => {
  const result = await runChecks(sdk, env);
  console.log(RESULT_PREFIX + JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
});
