/** The size of the buffers kept for reuse: most parts fit one. */
export const PART_BUFFER_SIZE = 8 * 1024 * 1024;
/** Buffers kept between requests: one per upload that writes at once, up to this many. */
const KEPT = 2;
const kept: Buffer[] = [];

/**
 * Where one request gathers the bytes of a part, copied in as they arrive. The buffers are reused: bytes
 * held while a part fills outlive a few young collections, so a fresh buffer (or the request's own
 * chunks) per part would become old garbage, freed only by a full collection, and a long upload would
 * hold tens of MiB of it at a time. The request's chunks, copied at once, die young instead.
 */
export class PartBuffer {
  /** Taken at the first byte: a request whose bytes all stream straight into parts needs none. */
  private buffer: Buffer | undefined;
  /** Bytes gathered so far. */
  length = 0;

  constructor(readonly capacity: number) {}

  get free(): number {
    return this.capacity - this.length;
  }

  /** Copies as much of `chunk` from `start` as fits; returns the number of bytes copied. */
  fill(chunk: Uint8Array, start = 0): number {
    const copied = Math.min(this.free, chunk.length - start);
    if (copied === 0) return 0;
    this.buffer ??=
      this.capacity === PART_BUFFER_SIZE
        ? (kept.pop() ?? Buffer.allocUnsafe(this.capacity))
        : Buffer.allocUnsafe(this.capacity);
    this.buffer.set(chunk.subarray(start, start + copied), this.length);
    this.length += copied;
    return copied;
  }

  /** The gathered bytes: valid until the buffer is cleared or released. */
  bytes(): Buffer {
    return this.buffer?.subarray(0, this.length) ?? Buffer.alloc(0);
  }

  clear(): void {
    this.length = 0;
  }

  /**
   * Gives the buffer back for another request. Only once nothing may still read it: after a failed write,
   * the buffer is left to the garbage collector instead, as a write cut off may not have let go of it yet.
   */
  release(): void {
    if (this.buffer?.length === PART_BUFFER_SIZE && kept.length < KEPT) kept.push(this.buffer);
    this.buffer = undefined;
    this.length = 0;
  }
}
