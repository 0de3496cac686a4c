import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { errors } from '../errors';
import type { BlobHead, BlobInfo, BlobStore, ByteRange, CompletedPart } from '../ports/blob-store';

interface MemoryBlob {
  readonly bytes: Buffer;
  readonly etag: string;
  readonly lastModified: Date;
}

interface MemoryUpload {
  readonly key: string;
  readonly parts: Map<number, Buffer>;
}

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest();

async function collect(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * A blob store double for use-case tests. It honours the whole BlobStore contract except bounded
 * memory: every byte is kept in memory, so it suits small blobs only.
 */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, MemoryBlob>();
  private readonly uploads = new Map<string, MemoryUpload>();

  async put(key: string, body: Readable): Promise<BlobInfo> {
    const bytes = await collect(body);
    return this.store(key, bytes, md5(bytes).toString('hex'));
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const { bytes } = this.find(key);
    const slice = range ? bytes.subarray(range.start, range.end + 1) : bytes;
    return Readable.from([slice], { objectMode: false });
  }

  async head(key: string): Promise<BlobHead | undefined> {
    const blob = this.blobs.get(key);
    return blob && { size: blob.bytes.length, etag: blob.etag, lastModified: blob.lastModified };
  }

  async headMany(keys: readonly string[]): Promise<(BlobHead | undefined)[]> {
    return Promise.all(keys.map((key) => this.head(key)));
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.blobs.delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    for (const key of [...this.blobs.keys()]) if (key.startsWith(prefix)) this.blobs.delete(key);
  }

  async copy(sourceKey: string, destinationKey: string): Promise<BlobInfo> {
    const { bytes, etag } = this.find(sourceKey);
    return this.store(destinationKey, bytes, etag);
  }

  async createMultipartUpload(key: string): Promise<string> {
    const uploadId = crypto.randomUUID();
    this.uploads.set(uploadId, { key, parts: new Map() });
    return uploadId;
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Readable): Promise<BlobInfo> {
    assertPartNumber(partNumber);
    const upload = this.findUpload(key, uploadId);
    const bytes = await collect(body);
    upload.parts.set(partNumber, bytes);
    return { size: bytes.length, etag: md5(bytes).toString('hex') };
  }

  async completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: readonly CompletedPart[],
  ): Promise<BlobInfo> {
    const upload = this.findUpload(key, uploadId);
    if (parts.length === 0) throw errors.invalidRequest('A multipart upload needs at least one part');
    const chosen = parts.map(({ partNumber }) => {
      const bytes = upload.parts.get(partNumber);
      if (!bytes) throw errors.invalidRequest(`Part ${partNumber} was never uploaded`);
      return bytes;
    });
    const etag = `${md5(Buffer.concat(chosen.map(md5))).toString('hex')}-${chosen.length}`;
    this.uploads.delete(uploadId);
    return this.store(key, Buffer.concat(chosen), etag);
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    if (this.uploads.get(uploadId)?.key === key) this.uploads.delete(uploadId);
  }

  private store(key: string, bytes: Buffer, etag: string): BlobInfo {
    this.blobs.set(key, { bytes, etag, lastModified: new Date() });
    return { size: bytes.length, etag };
  }

  private find(key: string): MemoryBlob {
    const blob = this.blobs.get(key);
    if (!blob) throw errors.noSuchKey();
    return blob;
  }

  private findUpload(key: string, uploadId: string): MemoryUpload {
    const upload = this.uploads.get(uploadId);
    if (upload?.key !== key) throw errors.noSuchUpload();
    return upload;
  }
}

function assertPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
    throw errors.invalidRequest(`Part number must be an integer from 1 to 10000, not ${partNumber}`);
  }
}
