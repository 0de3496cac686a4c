import type { Readable } from 'node:stream';

/**
 * Cuts a stream into buffers of exactly `partSize` bytes (the last one shorter, and one empty buffer for
 * an empty stream). A part is allocated only once the previous one has been handed over, so at most one
 * part is held here at a time. Errors of the stream are thrown.
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
        part = undefined;
        filled = 0;
      }
    }
  }
  if (filled > 0 || !yielded) yield (part ?? Buffer.alloc(0)).subarray(0, filled);
}
