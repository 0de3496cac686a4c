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

/**
 * Appends one request's bytes to an upload. Bytes are gathered in a part buffer (of 8 MiB, or the
 * upload's smallest part when larger), because S3 wants every part but the last to be at least 5 MiB; a
 * longer request is cut into parts of the buffer's size, so memory stays bounded whatever it sends. A
 * request that ends short of a part leaves its bytes in a tail blob, which the next request reads back
 * first. Every part stored is recorded at once (`record`), so an instance that dies loses only what it
 * had not stored. Bytes are hashed (MD5) as they arrive, the hash's state recorded with the progress.
 */
export async function writeUploadBytes(
  blobs: BlobStore,
  upload: ResumableUpload,
  blobKey: string,
  body: Readable,
  record: (progress: UploadProgress) => Promise<void>,
): Promise<WrittenBytes> {
  const minPart = Math.max(MIN_PART, Math.ceil((upload.length ?? upload.sizeLimit ?? 0) / MAX_PARTS));
  const part = new PartBuffer(Math.max(minPart, PART_BUFFER_SIZE));
  const md5 = await UploadMd5.resume(upload.md5State, upload.offset);
  try {
    const written = await appendBytes(blobs, upload, blobKey, body, record, { part, minPart, md5 });
    part.release();
    return written;
  } finally {
    md5?.release();
  }
}

async function appendBytes(
  blobs: BlobStore,
  upload: ResumableUpload,
  blobKey: string,
  body: Readable,
  record: (progress: UploadProgress) => Promise<void>,
  { part, minPart, md5 }: { part: PartBuffer; minPart: number; md5: UploadMd5 | undefined },
): Promise<WrittenBytes> {
  const parts: StoredPart[] = [...upload.parts];
  let stored = parts.reduce((sum, stored) => sum + stored.size, 0);
  let tail = upload.tail;
  // The tail's bytes were hashed when they came.
  if (tail) await readTail(blobs, tail.key, part);
  const md5State = () => md5?.save() ?? null;

  const storePart = async () => {
    const partNumber = parts.length + 1;
    const info = await blobs.uploadPart(blobKey, upload.multipartUploadId, partNumber, bytesOf(part));
    parts.push({ partNumber, etag: info.etag, size: info.size });
    stored += info.size;
    part.clear();
  };
  const dropTail = async () => {
    const old = tail;
    tail = null;
    if (old) await blobs.delete([old.key]).catch(() => undefined);
  };

  for await (const chunk of body) {
    const bytes = chunk as Uint8Array;
    for (let start = 0; start < bytes.length; ) {
      const copied = part.fill(bytes, start);
      md5?.update(bytes.subarray(start, start + copied));
      start += copied;
      if (part.free === 0) {
        await storePart();
        await record({ offset: stored, parts, tail: null, md5State: md5State() });
        await dropTail();
      }
    }
  }

  const total = stored + part.length;
  if (upload.length !== null && total === upload.length) {
    const blob = await finish(blobs, upload, blobKey, parts, part);
    await dropTail();
    return {
      progress: { offset: total, parts, tail: null, md5State: null },
      blob: md5 ? { size: blob.size, etag: md5.hex() } : blob,
    };
  }
  if (part.length >= minPart) {
    await storePart();
    await record({ offset: stored, parts, tail: null, md5State: md5State() });
    await dropTail();
  } else if (total > upload.offset) {
    const key = `${blobKey}.tail-${randomUUID()}`;
    await blobs.put(key, bytesOf(part));
    const old = tail;
    tail = { key, size: part.length };
    await record({ offset: total, parts, tail, md5State: md5State() });
    if (old) await blobs.delete([old.key]).catch(() => undefined);
  }
  return { progress: { offset: stored + part.length, parts, tail, md5State: md5State() } };
}

/** Makes the object's blob from the parts and the last bytes; a single short upload is one plain put. */
async function finish(
  blobs: BlobStore,
  upload: ResumableUpload,
  blobKey: string,
  parts: StoredPart[],
  part: PartBuffer,
): Promise<BlobInfo> {
  if (parts.length === 0) {
    const blob = await blobs.put(blobKey, bytesOf(part));
    await blobs.abortMultipartUpload(blobKey, upload.multipartUploadId).catch(() => undefined);
    return blob;
  }
  if (part.length > 0) {
    const partNumber = parts.length + 1;
    const info = await blobs.uploadPart(blobKey, upload.multipartUploadId, partNumber, bytesOf(part));
    parts.push({ partNumber, etag: info.etag, size: info.size });
  }
  return blobs.completeMultipartUpload(blobKey, upload.multipartUploadId, parts);
}

/** The gathered bytes as one chunk. */
const bytesOf = (part: PartBuffer): Readable => Readable.from([part.bytes()], { objectMode: false });

async function readTail(blobs: BlobStore, key: string, part: PartBuffer): Promise<void> {
  try {
    for await (const chunk of await blobs.get(key)) part.fill(chunk as Buffer);
  } catch (error) {
    throw errors.internal('The stored bytes of this upload are missing', error);
  }
}
