import { blobKey } from '../domain/blob-key';
import { ownerOf, type Scope } from '../domain/caller';
import { errors } from '../errors';
import type { MultipartUpload, MultipartUploadStore } from '../ports/multipart-upload-store';
import type { StorageContext } from './storage-context';

/** What the multipart use cases work with: the storage context and the upload bookkeeping. */
export interface MultipartContext extends StorageContext {
  readonly uploads: MultipartUploadStore;
}

/**
 * An upload of `bucketId/key` that the caller may continue: the service may continue any, a user only
 * their own. Anything else, including an id of another key, is NoSuchUpload.
 */
export async function findMultipartUpload(
  context: MultipartContext,
  scope: Scope,
  target: { bucketId: string; key: string; uploadId: string },
): Promise<MultipartUpload> {
  const upload = await context.uploads.find(target.uploadId);
  const mine = scope.caller.role === 'service_role' || upload?.ownerId === ownerOf(scope.caller).ownerId;
  if (!upload || !mine || upload.bucketId !== target.bucketId || upload.key !== target.key) {
    throw errors.noSuchUpload('The specified multipart upload does not exist');
  }
  return upload;
}

/** Where an upload's parts are assembled: the blob of the object version it will create. */
export const uploadBlobKey = (
  context: StorageContext,
  upload: Pick<MultipartUpload, 'bucketId' | 'key' | 'version'>,
): string =>
  blobKey({
    tenantId: context.settings.tenantId,
    bucketId: upload.bucketId,
    key: upload.key,
    version: upload.version,
  });

/**
 * Runs `work` holding the upload's lock, so that completions and aborts of one upload take turns: the
 * later one then finds the upload gone (NoSuchUpload), as if it had come after. `signal` stops the wait.
 */
export async function inUploadTurn<T>(
  context: MultipartContext,
  uploadId: string,
  signal: AbortSignal | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const lock = await context.uploads.lock(uploadId, {
    signal: signal ?? new AbortController().signal,
    onRequested: () => undefined,
  });
  try {
    return await work();
  } finally {
    await lock.release();
  }
}
