import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  type BlobInfo,
  type BlobStore,
  errors,
  type ResumableUpload,
  type StoredPart,
  type UploadProgress,
} from '@stowage/core';
import { PART_BUFFER_SIZE, PartBuffer } from './part-buffer';
import { UploadMd5 } from './upload-md5';

const MIB = 1024 * 1024;
/** S3's smallest part but the last. */
const MIN_PART = 5 * MIB;
const MAX_PARTS = 10_000;

/**
 * Where the bytes of a request went: the progress to record, and the blob when the last byte came (with
 * the plain MD5 of the whole content for its ETag, as a REST upload's blob has, whenever it was kept).
 */
export interface WrittenBytes {
  readonly progress: UploadProgress;
  readonly blob?: BlobInfo;
}

/** One request's bytes to append to an upload. */
export interface UploadRequest {
  readonly body: Readable;
  /** The bytes the request says it carries (`Content-Length`); `undefined` when it does not say. */
  readonly declaredLength: number | undefined;
}

/**
 * Appends one request's bytes to an upload. S3 wants every part but the last to be at least 5 MiB, and
 * parts are cut at 8 MiB (or the upload's smallest part when larger), so memory stays bounded whatever a
 * request sends. A request that says how long it is streams straight into parts, as many as make whole
 * parts (a 6 MiB chunk of tus-js-client is one part); other bytes are gathered in a part buffer, and a
 * request that ends short of a part leaves them in a tail blob, which the next request reads back first.
 * Every part stored is recorded at once (`record`), so an instance that dies loses only what it had not
 * stored. Bytes are hashed (MD5) as they arrive, the hash's state recorded with the progress.
 */
export async function writeUploadBytes(
  blobs: BlobStore,
  upload: ResumableUpload,
  blobKey: string,
  request: UploadRequest,
  record: (progress: UploadProgress) => Promise<void>,
): Promise<WrittenBytes> {
  const minPart = Math.max(MIN_PART, Math.ceil((upload.length ?? upload.sizeLimit ?? 0) / MAX_PARTS));
  const part = new PartBuffer(Math.max(minPart, PART_BUFFER_SIZE));
  const md5 = await UploadMd5.resume(upload.md5State, upload.offset);
  try {
    const writer = new UploadWriter(blobs, upload, blobKey, record, { part, minPart, md5 });
    const written = await writer.append(request);
    part.release();
    return written;
  } finally {
    md5?.release();
  }
}

/** The bytes of a request, chunk by chunk, where a chunk cut at a part's end gives back its rest. */
class Chunks {
  private readonly source: AsyncIterator<Uint8Array>;
  private rest: Uint8Array | undefined;

  constructor(body: Readable) {
    this.source = body[Symbol.asyncIterator]();
  }

  /** The next chunk, at most `limit` bytes of it; `undefined` once the body has ended. */
  async next(limit = Number.POSITIVE_INFINITY): Promise<Uint8Array | undefined> {
    let chunk = this.rest;
    this.rest = undefined;
    if (!chunk) {
      const { done, value } = await this.source.next();
      if (done) return undefined;
      chunk = value;
    }
    if (chunk.length <= limit) return chunk;
    this.rest = chunk.subarray(limit);
    return chunk.subarray(0, limit);
  }
}

class UploadWriter {
  private readonly parts: StoredPart[];
  private stored: number;
  private tail: ResumableUpload['tail'];
  private readonly part: PartBuffer;
  private readonly minPart: number;
  private readonly md5: UploadMd5 | undefined;

  constructor(
    private readonly blobs: BlobStore,
    private readonly upload: ResumableUpload,
    private readonly blobKey: string,
    private readonly record: (progress: UploadProgress) => Promise<void>,
    options: { part: PartBuffer; minPart: number; md5: UploadMd5 | undefined },
  ) {
    this.parts = [...upload.parts];
    this.stored = this.parts.reduce((sum, stored) => sum + stored.size, 0);
    this.tail = upload.tail;
    ({ part: this.part, minPart: this.minPart, md5: this.md5 } = options);
  }

  async append({ body, declaredLength }: UploadRequest): Promise<WrittenBytes> {
    const { upload, part, minPart, md5 } = this;
    const chunks = new Chunks(body);
    if (this.tail) {
      // The tail's bytes were hashed when they came.
      await this.readTail(this.tail.key);
    } else if (declaredLength !== undefined) {
      await this.streamParts(chunks, declaredLength);
    }

    for (let chunk = await chunks.next(); chunk; chunk = await chunks.next()) {
      for (let start = 0; start < chunk.length; ) {
        const copied = part.fill(chunk, start);
        md5?.update(chunk.subarray(start, start + copied));
        start += copied;
        if (part.free === 0) await this.storeGathered();
      }
    }

    const total = this.stored + part.length;
    if (upload.length !== null && total === upload.length) {
      const blob = await this.finish();
      await this.dropTail();
      return {
        progress: { offset: total, parts: this.parts, tail: null, md5State: null },
        blob: md5 ? { size: blob.size, etag: md5.hex() } : blob,
      };
    }
    if (part.length >= minPart) {
      await this.storeGathered();
    } else if (part.length > 0) {
      const key = `${this.blobKey}.tail-${randomUUID()}`;
      await this.blobs.put(key, bytesOf(part));
      await this.replaceTail({ key, size: part.length }, total);
    }
    return { progress: this.progress(total) };
  }

  /**
   * Streams the request's bytes straight into parts while they make whole ones: parts of the buffer's
   * size, and the request's last bytes when they are a part's worth or end the upload. A body that ends
   * early leaves a shorter part, kept when it is still a part's worth; otherwise its bytes are dropped
   * (the client resumes from the recorded offset) and its hash undone.
   */
  private async streamParts(chunks: Chunks, declaredLength: number): Promise<void> {
    const { upload, minPart, md5 } = this;
    let left = declaredLength;
    while (left > 0) {
      const size = Math.min(left, this.part.capacity);
      const endsUpload = upload.length !== null && this.stored + size === upload.length;
      if (size < minPart && !(endsUpload && this.parts.length > 0)) return;
      const before = md5?.save();
      const stored = await this.uploadNextPart(
        Readable.from(piece(chunks, size, md5), { objectMode: false }),
      );
      if (stored.size < size && stored.size < minPart) {
        if (before) md5?.restore(before);
        return;
      }
      this.keep(stored);
      await this.record(this.progress(this.stored));
      if (stored.size < size) return;
      left -= size;
    }
  }

  /** Stores the gathered bytes as the next part; a tail they began with is no longer needed. */
  private async storeGathered(): Promise<void> {
    this.keep(await this.uploadNextPart(bytesOf(this.part)));
    this.part.clear();
    await this.replaceTail(null, this.stored);
  }

  /** Uploads `body` as the next part; it counts among the upload's parts once `keep` says so. */
  private async uploadNextPart(body: Readable): Promise<StoredPart> {
    const partNumber = this.parts.length + 1;
    const { etag, size } = await this.blobs.uploadPart(
      this.blobKey,
      this.upload.multipartUploadId,
      partNumber,
      body,
    );
    return { partNumber, etag, size };
  }

  private keep(stored: StoredPart): void {
    this.parts.push(stored);
    this.stored += stored.size;
  }

  /** Makes `next` the tail, records the progress at `offset`, then deletes the tail it replaced. */
  private async replaceTail(next: ResumableUpload['tail'], offset: number): Promise<void> {
    const old = this.tail;
    this.tail = next;
    await this.record(this.progress(offset));
    if (old) await this.blobs.delete([old.key]).catch(() => undefined);
  }

  /** Makes the object's blob from the parts and the last bytes; a single short upload is one plain put. */
  private async finish(): Promise<BlobInfo> {
    const { blobs, blobKey, upload, parts, part } = this;
    if (parts.length === 0) {
      const blob = await blobs.put(blobKey, bytesOf(part));
      await blobs.abortMultipartUpload(blobKey, upload.multipartUploadId).catch(() => undefined);
      return blob;
    }
    if (part.length > 0) this.keep(await this.uploadNextPart(bytesOf(part)));
    return blobs.completeMultipartUpload(blobKey, upload.multipartUploadId, parts);
  }

  private async dropTail(): Promise<void> {
    const old = this.tail;
    this.tail = null;
    if (old) await this.blobs.delete([old.key]).catch(() => undefined);
  }

  private progress(offset: number): UploadProgress {
    return { offset, parts: this.parts, tail: this.tail, md5State: this.md5?.save() ?? null };
  }

  private async readTail(key: string): Promise<void> {
    try {
      for await (const chunk of await this.blobs.get(key)) this.part.fill(chunk as Buffer);
    } catch (error) {
      throw errors.internal('The stored bytes of this upload are missing', error);
    }
  }
}

/** Up to `size` bytes of the request, hashed as they pass. */
async function* piece(chunks: Chunks, size: number, md5: UploadMd5 | undefined): AsyncGenerator<Uint8Array> {
  for (let left = size; left > 0; ) {
    const chunk = await chunks.next(left);
    if (!chunk) return;
    md5?.update(chunk);
    left -= chunk.length;
    yield chunk;
  }
}

/** The gathered bytes as one chunk. */
const bytesOf = (part: PartBuffer): Readable => Readable.from([part.bytes()], { objectMode: false });
