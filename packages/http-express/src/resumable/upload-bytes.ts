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

const MIB = 1024 * 1024;
/** S3's smallest part but the last. */
const MIN_PART = 5 * MIB;
/** A longer request is cut into parts of about this size, so memory stays bounded whatever it sends. */
const FLUSH_AT = 8 * MIB;
const MAX_PARTS = 10_000;

/** Where the bytes of a request went: the progress to record, and the blob when the last byte came. */
export interface WrittenBytes {
  readonly progress: UploadProgress;
  readonly blob?: BlobInfo;
}

/**
 * Appends one request's bytes to an upload. Bytes are gathered in memory up to a part (never more than
 * about `FLUSH_AT`), because S3 wants every part but the last to be at least 5 MiB; a request that ends
 * short of a part leaves its bytes in a tail blob, which the next request reads back first. Every part
 * stored is recorded at once (`record`), so an instance that dies loses only what it had not stored.
 */
export async function writeUploadBytes(
  blobs: BlobStore,
  upload: ResumableUpload,
  blobKey: string,
  body: Readable,
  record: (progress: UploadProgress) => Promise<void>,
): Promise<WrittenBytes> {
  const minPart = Math.max(MIN_PART, Math.ceil((upload.length ?? upload.sizeLimit ?? 0) / MAX_PARTS));
  const parts: StoredPart[] = [...upload.parts];
  let stored = parts.reduce((sum, part) => sum + part.size, 0);
  let chunks: Buffer[] = upload.tail ? await readTail(blobs, upload.tail.key) : [];
  let buffered = upload.tail?.size ?? 0;
  let tail = upload.tail;

  const storePart = async () => {
    const partNumber = parts.length + 1;
    const part = await blobs.uploadPart(
      blobKey,
      upload.multipartUploadId,
      partNumber,
      Readable.from(chunks, { objectMode: false }),
    );
    parts.push({ partNumber, etag: part.etag, size: part.size });
    stored += part.size;
    chunks = [];
    buffered = 0;
  };
  const dropTail = async () => {
    const old = tail;
    tail = null;
    if (old) await blobs.delete([old.key]).catch(() => undefined);
  };

  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    buffered += (chunk as Buffer).length;
    if (buffered >= Math.max(minPart, FLUSH_AT)) {
      await storePart();
      await record({ offset: stored, parts, tail: null });
      await dropTail();
    }
  }

  const total = stored + buffered;
  if (upload.length !== null && total === upload.length) {
    const blob = await finish(blobs, upload, blobKey, parts, chunks, buffered);
    await dropTail();
    return { progress: { offset: total, parts, tail: null }, blob };
  }
  if (buffered >= minPart) {
    await storePart();
    await record({ offset: stored, parts, tail: null });
    await dropTail();
  } else if (total > upload.offset) {
    const key = `${blobKey}.tail-${randomUUID()}`;
    await blobs.put(key, Readable.from(chunks, { objectMode: false }));
    const old = tail;
    tail = { key, size: buffered };
    await record({ offset: total, parts, tail });
    if (old) await blobs.delete([old.key]).catch(() => undefined);
  }
  return { progress: { offset: stored + buffered, parts, tail } };
}

/** Makes the object's blob from the parts and the last bytes; a single short upload is one plain put. */
async function finish(
  blobs: BlobStore,
  upload: ResumableUpload,
  blobKey: string,
  parts: StoredPart[],
  chunks: Buffer[],
  buffered: number,
): Promise<BlobInfo> {
  if (parts.length === 0) {
    const blob = await blobs.put(blobKey, Readable.from(chunks, { objectMode: false }));
    await blobs.abortMultipartUpload(blobKey, upload.multipartUploadId).catch(() => undefined);
    return blob;
  }
  if (buffered > 0) {
    const partNumber = parts.length + 1;
    const part = await blobs.uploadPart(
      blobKey,
      upload.multipartUploadId,
      partNumber,
      Readable.from(chunks, { objectMode: false }),
    );
    parts.push({ partNumber, etag: part.etag, size: part.size });
  }
  return blobs.completeMultipartUpload(blobKey, upload.multipartUploadId, parts);
}

async function readTail(blobs: BlobStore, key: string): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of await blobs.get(key)) chunks.push(chunk as Buffer);
  } catch (error) {
    throw errors.internal('The stored bytes of this upload are missing', error);
  }
  return chunks;
}
