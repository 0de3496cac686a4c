import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobStore } from '../ports/blob-store';
import { readAll } from './blob-store-contract-fixtures';

const MiB = 2 ** 20;
const CHUNK = 256 * 1024;
/**
 * How much the process may grow while streaming, whatever the object's size: far below the 1 GiB object, with
 * room for garbage the collector has not yet reclaimed on a loaded machine (105 MiB was seen at load ~10).
 */
const RSS_BUDGET = 160 * MiB;

/**
 * Content generated on the fly and never held whole: chunk `i` is a random block stamped with `i`, so a
 * lost, repeated or reordered chunk changes the digest.
 */
class GeneratedContent {
  private readonly block = randomBytes(CHUNK);

  constructor(readonly size: number) {}

  chunk(index: number): Buffer {
    const length = Math.min(CHUNK, this.size - index * CHUNK);
    const chunk = Buffer.allocUnsafe(length);
    this.block.copy(chunk, 0, 0, length);
    if (length >= 4) chunk.writeUInt32BE(index, 0);
    return chunk;
  }

  /** A body streaming the content, handing each chunk to `onChunk` as it goes. */
  stream(onChunk: (chunk: Buffer) => void): Readable {
    const chunks = Math.ceil(this.size / CHUNK);
    let index = 0;
    const body: Readable = new Readable({
      highWaterMark: CHUNK,
      read: () => {
        if (index === chunks) {
          body.push(null);
          return;
        }
        const chunk = this.chunk(index++);
        onChunk(chunk);
        body.push(chunk);
      },
    });
    return body;
  }

  /** The bytes from `start` to `end` inclusive, as the stream produced them. */
  slice(start: number, end: number): Buffer {
    const first = Math.floor(start / CHUNK);
    const chunks: Buffer[] = [];
    for (let index = first; index <= Math.floor(end / CHUNK); index++) chunks.push(this.chunk(index));
    return Buffer.concat(chunks).subarray(start - first * CHUNK, end - first * CHUNK + 1);
  }
}

/** The largest resident set seen since it was created, relative to where it started. */
class RssWatch {
  private readonly baseline = process.memoryUsage.rss();
  private peak = this.baseline;

  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }

  growth(): number {
    return this.peak - this.baseline;
  }
}

/** The constant-memory half of the BlobStore contract; see `blobStoreContract`. */
export function largeObjectContract(
  store: () => BlobStore,
  key: (path: string) => string,
  size: number,
): void {
  // Generous for two slow cores: hashing twice and writing then reading every byte.
  const timeout = 60_000 + (size / MiB) * 300;

  describe('a large object', () => {
    it(
      `streams ${size} bytes through put and get with flat memory`,
      async () => {
        const at = key('large.bin');
        const content = new GeneratedContent(size);
        const rss = new RssWatch();

        const sent = createHash('md5');
        const info = await store().put(
          at,
          content.stream((chunk) => {
            sent.update(chunk);
            rss.sample();
          }),
        );
        const etag = sent.digest('hex');
        expect(info).toMatchObject({ size, etag });

        const received = createHash('md5');
        let receivedSize = 0;
        for await (const chunk of await store().get(at)) {
          received.update(chunk);
          receivedSize += chunk.length;
          rss.sample();
        }
        expect({ size: receivedSize, etag: received.digest('hex') }).toEqual({ size, etag });

        const ranges = [
          { start: Math.max(0, size - 1000), end: size - 1 },
          { start: Math.min(size - 1, 3 * CHUNK - 5), end: Math.min(size - 1, 3 * CHUNK + 5) },
        ];
        for (const range of ranges) {
          const read = await readAll(await store().get(at, range));
          expect(read.toString('hex')).toBe(content.slice(range.start, range.end).toString('hex'));
        }

        expect(rss.growth()).toBeLessThan(RSS_BUDGET);
        await store().delete([at]);
      },
      timeout,
    );
  });
}
