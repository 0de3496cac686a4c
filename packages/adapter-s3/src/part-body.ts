import type { Readable } from 'node:stream';

const BUFFER_SIZE = 8 * 1024 * 1024;
/** Buffers kept between parts: one per part uploading at once, up to this many. */
const KEPT = 2;
const kept: Buffer[] = [];

const giveBack = (buffer: Buffer): void => {
  if (buffer.length === BUFFER_SIZE && kept.length < KEPT) kept.push(buffer);
};

/**
 * Reads a part's body into one buffer (S3 wants its length before its bytes), copying each chunk as it
 * comes: chunks held until the part is whole would outlive young collections and be freed only by a
 * full one. Buffers of 8 MiB are reused across parts; a longer part grows into a fresh one. `release`
 * gives the buffer back once the part is stored (after a failed request it is left to the collector, as
 * the request may not have let go of it).
 */
export async function readPartBody(body: Readable): Promise<{ bytes: Buffer; release(): void }> {
  let buffer = kept.pop() ?? Buffer.allocUnsafe(BUFFER_SIZE);
  let length = 0;
  for await (const chunk of body) {
    const bytes: Uint8Array = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (length + bytes.length > buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, length + bytes.length));
      buffer.copy(grown, 0, 0, length);
      giveBack(buffer);
      buffer = grown;
    }
    buffer.set(bytes, length);
    length += bytes.length;
  }
  const stored = buffer;
  return { bytes: stored.subarray(0, length), release: () => giveBack(stored) };
}
