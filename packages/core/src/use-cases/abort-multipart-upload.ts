import type { Scope } from '../domain/caller';
import {
  findMultipartUpload,
  inUploadTurn,
  type MultipartContext,
  uploadBlobKey,
} from './find-multipart-upload';

/** Discards an upload the caller may continue, with every part stored so far; never while it completes. */
export function abortMultipartUpload(
  context: MultipartContext,
  scope: Scope,
  target: { bucketId: string; key: string; uploadId: string; signal?: AbortSignal },
): Promise<void> {
  return inUploadTurn(context, target.uploadId, target.signal, async () => {
    const upload = await findMultipartUpload(context, scope, target);
    await context.blobs.abortMultipartUpload(uploadBlobKey(context, upload), upload.id);
    await context.uploads.delete(upload.id);
  });
}
