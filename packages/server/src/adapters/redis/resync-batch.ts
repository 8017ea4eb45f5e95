/**
 * @module adapters/redis/resync-batch
 * The bounded unit of a resync: argument groups collected until one script call holds
 * {@link RESYNC_BATCH_ENTRIES} entries or {@link RESYNC_BATCH_BYTES} bytes of arguments, so that no
 * call, no Lua run blocking Redis and no reply grows with the number of entries a node holds.
 */
import type { EntryKind } from './local-mirror';

/** Most entries written or removed by one resync script call. */
export const RESYNC_BATCH_ENTRIES = 1000;

/** Most bytes of arguments in one resync script call (an entry larger than this goes alone). */
export const RESYNC_BATCH_BYTES = 512 * 1024;

/** Elements asked of Redis per SSCAN of the node's entries. */
export const RESYNC_SCAN_COUNT = 1000;

/** A flagged entry a batch announces: unflagged once the batch was written. */
export interface AnnouncedEntry {
  readonly kind: EntryKind;
  readonly appId: string;
  readonly channel: string;
  readonly socketId: string;
}

/** Argument groups of one script call; see the module comment. */
export class ResyncBatch {
  #args: string[] = [];
  #announced: AnnouncedEntry[] = [];
  #entries = 0;
  #bytes = 0;

  /** Adds one entry's argument group (and the flagged entry it announces, if any). */
  add(group: readonly string[], announces?: AnnouncedEntry): void {
    for (const arg of group) {
      this.#args.push(arg);
      this.#bytes += Buffer.byteLength(arg);
    }
    if (announces !== undefined) this.#announced.push(announces);
    this.#entries++;
  }

  get full(): boolean {
    return this.#entries >= RESYNC_BATCH_ENTRIES || this.#bytes >= RESYNC_BATCH_BYTES;
  }

  get empty(): boolean {
    return this.#entries === 0;
  }

  /** The collected arguments and announced entries; the batch is empty again. */
  take(): { readonly args: string[]; readonly announced: readonly AnnouncedEntry[] } {
    const taken = { args: this.#args, announced: this.#announced };
    this.#args = [];
    this.#announced = [];
    this.#entries = 0;
    this.#bytes = 0;
    return taken;
  }
}
