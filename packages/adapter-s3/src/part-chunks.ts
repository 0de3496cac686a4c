import type { Readable } from 'node:stream';

/**
 * Cuts a stream into parts of exactly `partSize` bytes (the last one shorter, and one empty part for an
 * empty stream). Until the stream proves longer than one part its chunks are only kept, so a small body
 * costs its own size, not a part's. From then on every part is a view of one buffer, refilled for the
 * next part: a part is valid only until the loop asks for the next one, and memory stays at about one
 * part whatever the stream's length (a fresh buffer per part would leave garbage that the garbage
 * collector frees late). Errors of the stream are thrown.
 */
export async function* partChunks(body: Readable, partSize: number): AsyncGenerator<Buffer> {
  let head: Buffer[] = [];
  let part: Buffer | undefined;
  let filled = 0;
  let yielded = false;
  for await (const chunk of body) {
    const bytes: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (part === undefined && filled + bytes.length < partSize) {
      head.push(bytes);
      filled += bytes.length;
      continue;
    }
    if (part === undefined) {
      part = Buffer.allocUnsafe(partSize);
      let at = 0;
      for (const kept of head) at += kept.copy(part, at);
      head = [];
    }
    let offset = 0;
    while (offset < bytes.length) {
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
  if (filled > 0 || !yielded)
    yield part === undefined ? Buffer.concat(head, filled) : part.subarray(0, filled);
}
