import type { Readable } from 'node:stream';

/**
 * Cuts a stream into parts of exactly `partSize` bytes (the last one shorter, and one empty part for an
 * empty stream). Every part is a view of one buffer, refilled for the next part: a part is valid only
 * until the loop asks for the next one, and memory stays at one part whatever the stream's length (a
 * fresh buffer per part would leave garbage that the garbage collector frees late). Errors of the stream
 * are thrown.
 */
export async function* partChunks(body: Readable, partSize: number): AsyncGenerator<Buffer> {
  let part: Buffer | undefined;
  let filled = 0;
  let yielded = false;
  for await (const chunk of body) {
    const bytes: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let offset = 0;
    while (offset < bytes.length) {
      part ??= Buffer.allocUnsafe(partSize);
      const copied = bytes.copy(part, filled, offset);
      filled += copied;
      offset += copied;
      if (filled === partSize) {
        yield part;
        yielded = true;
        filled = 0;
      }
    }
  }
  if (filled > 0 || !yielded) yield (part ?? Buffer.alloc(0)).subarray(0, filled);
}
