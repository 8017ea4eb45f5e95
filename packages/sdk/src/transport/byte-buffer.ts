/**
 * @module transport/byte-buffer
 * A growing byte buffer with a byte cap, for response bodies read in pieces of any size (down to
 * one byte): every piece is copied in, so neither the pieces nor per-piece objects are retained.
 * Capacity doubles but never exceeds the cap, so the bytes held are at most about twice the cap
 * (the old and the new storage while growing), whatever the number of pieces.
 */

/** Smallest storage allocated once the first byte arrives. */
const MIN_CAPACITY = 1024;
/** Pieces up to this size are copied byte by byte. */
const SMALL_COPY_BYTES = 32;

export class ByteBuffer {
  readonly #maxBytes: number;
  #bytes: Uint8Array;
  #length = 0;

  /** `maxBytes`: the most bytes it may hold; `expectedBytes`: storage to allocate up front. */
  constructor(maxBytes: number, expectedBytes = 0) {
    this.#maxBytes = maxBytes;
    this.#bytes = new Uint8Array(Math.min(expectedBytes, maxBytes));
  }

  /** Bytes held. */
  get length(): number {
    return this.#length;
  }

  /**
   * Appends `source[start, end)`. Returns false, appending nothing, when that would take the
   * buffer over its cap.
   */
  append(source: Uint8Array, start = 0, end = source.length): boolean {
    const count = end - start;
    if (count <= 0) return true;
    const needed = this.#length + count;
    if (needed > this.#maxBytes) return false;
    if (needed > this.#bytes.length) this.#grow(needed);
    const bytes = this.#bytes;
    if (count <= SMALL_COPY_BYTES) {
      // A loop beats allocating a subarray for the tiny pieces of a finely chunked body.
      for (let i = 0, at = this.#length; i < count; i++)
        bytes[at + i] = source[start + i] as number;
    } else bytes.set(source.subarray(start, end), this.#length);
    this.#length = needed;
    return true;
  }

  /** The bytes held (a view: valid until the next append, discard or clear). */
  view(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  /** Drops the first `count` bytes, keeping the rest. */
  discard(count: number): void {
    if (count >= this.#length) {
      this.#length = 0;
      return;
    }
    this.#bytes.copyWithin(0, count, this.#length);
    this.#length -= count;
  }

  /** Empties the buffer and releases its storage. */
  clear(): void {
    this.#length = 0;
    this.#bytes = new Uint8Array(0);
  }

  #grow(needed: number): void {
    const doubled = Math.max(MIN_CAPACITY, this.#bytes.length * 2);
    const capacity = Math.min(this.#maxBytes, Math.max(needed, doubled));
    const bytes = new Uint8Array(capacity);
    bytes.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = bytes;
  }
}
