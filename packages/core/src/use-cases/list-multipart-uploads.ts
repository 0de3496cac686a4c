import { assertBucketName } from '../domain/bucket-name';
import { ownerOf, type Scope } from '../domain/caller';
import type { MultipartUpload, UploadedPart } from '../ports/multipart-upload-store';
import { findMultipartUpload, type MultipartContext } from './find-multipart-upload';
import { findUploadTarget } from './upload-object';

export const MAX_LISTED_UPLOADS = 1000;

/**
 * The unfinished uploads of a bucket that the caller may continue (all of them for the service), in
 * (key, upload id) order after the markers, one more than asked when more follow.
 */
export async function listMultipartUploads(
  context: MultipartContext,
  scope: Scope,
  query: { bucketId: string; prefix: string; keyMarker?: string; uploadIdMarker?: string; limit: number },
): Promise<MultipartUpload[]> {
  assertBucketName(query.bucketId);
  await findUploadTarget(context, scope, query.bucketId);
  return context.uploads.listUploads({
    ...query,
    limit: Math.min(query.limit, MAX_LISTED_UPLOADS) + 1,
    ...(scope.caller.role !== 'service_role' && { ownerId: ownerOf(scope.caller).ownerId }),
  });
}

/** The parts of an upload the caller may continue, after a part number, one more than asked when more follow. */
export async function listParts(
  context: MultipartContext,
  scope: Scope,
  target: { bucketId: string; key: string; uploadId: string; afterPartNumber: number; limit: number },
): Promise<{ upload: MultipartUpload; parts: UploadedPart[] }> {
  const upload = await findMultipartUpload(context, scope, target);
  const parts = await context.uploads.listParts(
    upload.id,
    target.afterPartNumber,
    Math.min(target.limit, 1000) + 1,
  );
  return { upload, parts };
}
