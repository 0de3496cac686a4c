import type { ResumableUploadStore, StorageContext } from '@stowage/core';
import { uploadBlobKey } from './upload-blob-key';

const BATCH = 100;
const LOCK_WAIT_MS = 1000;

/**
 * Removes expired uploads: the parts and tail of unfinished ones, and the state of every one. An upload
 * still locked by a request is left for the next sweep. Resolves with the number removed.
 */
export async function sweepExpiredUploads(
  context: StorageContext,
  uploads: ResumableUploadStore,
  now = new Date(),
): Promise<number> {
  let removed = 0;
  for (const expired of await uploads.listExpired(now, BATCH)) {
    const lock = await uploads
      .lock(expired.id, { signal: AbortSignal.timeout(LOCK_WAIT_MS), onRequested: () => undefined })
      .catch(() => undefined);
    if (!lock) continue;
    try {
      // Read again under the lock: a request may have moved the upload on since it was listed.
      const upload = await uploads.find(expired.id);
      if (!upload) continue;
      if (upload.completedAt === null) {
        await context.blobs.abortMultipartUpload(uploadBlobKey(context, upload), upload.multipartUploadId);
        if (upload.tail) await context.blobs.delete([upload.tail.key]);
      }
      await uploads.remove(upload.id);
      removed += 1;
    } finally {
      await lock.release();
    }
  }
  return removed;
}
