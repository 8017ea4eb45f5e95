/**
 * @module test/adapters-contract
 * The adapter contract shipped in `@pushwire/server/testing`, bound to vitest for the built-in
 * adapters' tests (adapters-local, adapters-redis), as an adapter author binds it.
 */
import {
  type ContractOptions,
  type MakeCluster,
  runAdapterContract as runShippedContract,
} from '@pushwire/server/testing';
import { describe, expect, it, onTestFinished } from 'vitest';

export {
  byUser,
  type ContractCluster,
  eventually,
  RecordingHandlers,
  type Removal,
} from '@pushwire/server/testing';

/** Registers the contract's cases for an adapter with vitest. */
export function runAdapterContract(
  name: string,
  makeCluster: MakeCluster,
  options: Omit<ContractOptions, 'runner'>,
): void {
  runShippedContract(name, makeCluster, {
    ...options,
    runner: { describe, it, expect, onTestFinished },
  });
}
