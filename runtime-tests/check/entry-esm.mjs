/**
 * @module runtime-tests/check/entry-esm
 * ESM entry (Node, Bun, Deno): imports the packed SDK by name and runs the shared checks.
 */
import * as sdk from '@pushwire/sdk';
import { RESULT_PREFIX, runChecks } from './checks.mjs';

const readEnv = (name) => globalThis.process?.env?.[name] ?? globalThis.Deno?.env.get(name);
const env = {
  endpoint: readEnv('PUSHWIRE_RUNTIME_ENDPOINT'),
  runtime: readEnv('PUSHWIRE_RUNTIME_NAME'),
};
const result = await runChecks(sdk, env);
console.log(RESULT_PREFIX + JSON.stringify(result));
if (globalThis.Deno) globalThis.Deno.exit(result.ok ? 0 : 1);
else globalThis.process.exit(result.ok ? 0 : 1);
