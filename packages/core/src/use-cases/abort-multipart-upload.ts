import type { Scope } from '../domain/caller';
import { findMultipartUpload, type MultipartContext, uploadBlobKey } from './find-multipart-upload';

/** Discards an upload the caller may continue, with every part stored so far. */
export async function abortMultipartUpload(
  context: MultipartContext,
  scope: Scope,
  target: { bucketId: string; key: string; uploadId: string },
): Promise<void> {
  const upload = await findMultipartUpload(context, scope, target);
  await context.blobs.abortMultipartUpload(uploadBlobKey(context, upload), upload.id);
  await context.uploads.delete(upload.id);
}
