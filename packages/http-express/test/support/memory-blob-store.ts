import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type BlobInfo, type BlobStore, type ByteRange, errors } from '@stowage/core';

/** Blobs in memory for route tests until the file backend lands. Multipart uploads are not needed here. */
export class MemoryBlobStore implements BlobStore {
  readonly blobs = new Map<string, { bytes: Buffer; lastModified: Date }>();

  async put(key: string, body: Readable): Promise<BlobInfo> {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk));
    const bytes = Buffer.concat(chunks);
    this.blobs.set(key, { bytes, lastModified: new Date() });
    return { size: bytes.length, etag: createHash('md5').update(bytes).digest('hex') };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const blob = this.blobs.get(key);
    if (!blob) throw errors.noSuchKey();
    return Readable.from([range ? blob.bytes.subarray(range.start, range.end + 1) : blob.bytes]);
  }

  async head(key: string) {
    const blob = this.blobs.get(key);
    if (!blob) return undefined;
    const etag = createHash('md5').update(blob.bytes).digest('hex');
    return { size: blob.bytes.length, etag, lastModified: blob.lastModified };
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.blobs.delete(key);
  }

  async copy(sourceKey: string, destinationKey: string): Promise<BlobInfo> {
    const blob = this.blobs.get(sourceKey);
    if (!blob) throw errors.noSuchKey();
    this.blobs.set(destinationKey, { ...blob });
    return { size: blob.bytes.length, etag: createHash('md5').update(blob.bytes).digest('hex') };
  }

  async createMultipartUpload(): Promise<string> {
    throw errors.internal('not supported in memory');
  }

  async uploadPart(): Promise<BlobInfo> {
    throw errors.internal('not supported in memory');
  }

  async completeMultipartUpload(): Promise<BlobInfo> {
    throw errors.internal('not supported in memory');
  }

  async abortMultipartUpload(): Promise<void> {}
}
