/**
 * @module runtime-tests/check/entry-edge
 * Edge entry: bundled by esbuild into one script and evaluated in @edge-runtime/vm, where there
 * are no Node globals. The host passes `__PUSHWIRE_ENV` ({ endpoint, runtime, fetch }) in and
 * reads the result promise from `__PUSHWIRE_RESULT`.
 */
import * as sdk from '@pushwire/sdk';
import { runChecks } from './checks.mjs';

globalThis.__PUSHWIRE_RESULT = runChecks(sdk, globalThis.__PUSHWIRE_ENV);
