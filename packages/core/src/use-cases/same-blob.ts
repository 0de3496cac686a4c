import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BlobHead, BlobStore } from '../ports/blob-store';

/** A blob in one store, as its head describes it. */
export interface LocatedBlob {
  readonly store: BlobStore;
  readonly key: string;
  readonly head: BlobHead;
}

const PLAIN_MD5 = /^[0-9a-f]{32}$/;

/** Whether an ETag is the content's MD5 (a multipart ETag, `<md5 of md5s>-<parts>`, is not). */
export const isContentMd5 = (etag: string): boolean => PLAIN_MD5.test(etag);

/**
 * Whether two blobs hold the same bytes. Sizes and ETags decide when they can; when one ETag is a
 * multipart ETag (which depends on how the blob was cut into parts), the bytes are read and hashed.
 */
export async function sameBlob(a: LocatedBlob, b: LocatedBlob): Promise<boolean> {
  if (a.head.size !== b.head.size) return false;
  if (a.head.etag === b.head.etag) return true;
  if (isContentMd5(a.head.etag) && isContentMd5(b.head.etag)) return false;
  return (await contentMd5(a)) === (await contentMd5(b));
}

/** The MD5 of a blob's bytes: its ETag when that is one, else read and hashed. */
export async function contentMd5(blob: LocatedBlob): Promise<string> {
  if (isContentMd5(blob.head.etag)) return blob.head.etag;
  const hash = createHash('md5');
  for await (const chunk of await blob.store.get(blob.key)) hash.update(chunk);
  return hash.digest('hex');
}

/** Counts and MD5-hashes bytes as they stream past. */
export class CountingMd5 {
  size = 0;
  private readonly hash = createHash('md5');

  async *observe(source: Readable): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of source) {
        const bytes: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        this.hash.update(bytes);
        this.size += bytes.length;
        yield bytes;
      }
    } finally {
      source.destroy();
    }
  }

  /** The hex MD5; call once, after the stream has ended. */
  hex(): string {
    return this.hash.digest('hex');
  }
}
