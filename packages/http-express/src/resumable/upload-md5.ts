import { createMD5, type IHasher } from 'hash-wasm';

/** Hashers kept between requests: one per upload that writes at once, up to this many. */
const KEPT = 2;
const kept: IHasher[] = [];

/**
 * The MD5 of an upload's bytes so far, so its object gets the plain MD5 ETag a REST upload of the same
 * bytes gets (not the multipart `<md5 of md5s>-<parts>` of its blob). The hash's state is saved with the
 * upload's progress and resumed by the next request, on whichever instance it lands, so every byte is
 * hashed once, as it arrives.
 */
export class UploadMd5 {
  private constructor(private readonly hasher: IHasher) {}

  /**
   * Resumes from a saved state (a fresh hash at offset 0). `undefined` when it cannot: an upload that
   * began without a saved state, or one saved by another version of the hasher.
   */
  static async resume(state: Uint8Array | null, offset: number): Promise<UploadMd5 | undefined> {
    if (state === null && offset > 0) return undefined;
    const hasher = kept.pop() ?? (await createMD5());
    try {
      if (state === null) hasher.init();
      else hasher.load(state);
    } catch {
      return undefined;
    }
    return new UploadMd5(hasher);
  }

  update(bytes: Uint8Array): void {
    this.hasher.update(bytes);
  }

  /** The state to resume from, after the bytes hashed so far. */
  save(): Uint8Array {
    return this.hasher.save();
  }

  /** Goes back to a state `save` gave, forgetting the bytes hashed since. */
  restore(state: Uint8Array): void {
    this.hasher.load(state);
  }

  /** Hex MD5 of every byte hashed. */
  hex(): string {
    return this.hasher.digest('hex');
  }

  /** Gives the hasher back for another request (`resume` resets it). */
  release(): void {
    if (kept.length < KEPT) kept.push(this.hasher);
  }
}
