import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const KIB = 1024;
export const MIB = 1024 * KIB;
export const GIB = 1024 * MIB;

/** Incompressible bytes, repeated to any size without holding more than one block. */
const block = randomBytes(MIB);

/** The first `size` bytes of the bench's content, for bodies of a fixed size. */
export const bytesOf = (size: number): Buffer => {
  if (size > MIB) throw new Error('bytesOf: at most 1 MiB; stream larger bodies');
  return block.subarray(0, size);
};

/** A stream of `size` bytes of the bench's content. */
export function generated(size: number): Readable {
  let sent = 0;
  return new Readable({
    highWaterMark: MIB,
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const next = block.subarray(0, Math.min(MIB, size - sent));
      sent += next.length;
      this.push(next);
    },
  });
}

/** Writes a fixture file for the baseline server. */
export async function writeFixture(root: string, name: string, size: number): Promise<void> {
  const file = path.join(root, name);
  await mkdir(path.dirname(file), { recursive: true });
  await pipeline(generated(size), createWriteStream(file));
}
