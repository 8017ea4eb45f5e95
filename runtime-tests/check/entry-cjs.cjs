/**
 * @module runtime-tests/check/entry-cjs
 * CommonJS entry (Node): `require`s the packed SDK (its CJS build) and runs the shared checks,
 * with its ESM build as the other copy for the error-brand check.
 */
const sdk = require('@pushwire/sdk');

const env = {
  endpoint: process.env.PUSHWIRE_RUNTIME_ENDPOINT,
  runtime: process.env.PUSHWIRE_RUNTIME_NAME,
};
Promise.all([import('./checks.mjs'), import('@pushwire/sdk')]).then(async ([checks, esm]) => {
  const { RESULT_PREFIX, runChecks } = checks;
  const result = await runChecks(sdk, { ...env, otherCopy: esm });
  console.log(RESULT_PREFIX + JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
});
