import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** `size` random bytes. */
export const bytes = (size: number): Buffer => randomBytes(size);

export const md5Of = (data: Buffer): string => createHash('md5').update(data).digest('hex');

/** A body delivering `data` in chunks of 64 KiB, as a socket would. */
export const bodyOf = (data: Buffer): Readable =>
  Readable.from(
    (function* () {
      for (let offset = 0; offset < data.length; offset += 65_536)
        yield data.subarray(offset, offset + 65_536);
    })(),
  );

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
