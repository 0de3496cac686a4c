import { newVersion } from '../domain/blob-key';
import { ownerOf, type Scope } from '../domain/caller';
import { assertMimeTypeAllowed } from '../domain/mime-type';
import { assertKey } from '../domain/object-key';
import type { MultipartUpload } from '../ports/multipart-upload-store';
import { type MultipartContext, uploadBlobKey } from './find-multipart-upload';
import { findUploadTarget, objectMetadata, writeObjectRow } from './upload-object';

export interface CreateMultipartUploadInput {
  readonly bucketId: string;
  readonly key: string;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly userMetadata: Record<string, unknown> | null;
}

/**
 * Starts a multipart upload that will create or replace an object. The caller's policies are asked now,
 * as for an upload (rolled back, nothing written), and again when the upload completes.
 */
export async function createMultipartUpload(
  context: MultipartContext,
  scope: Scope,
  input: CreateMultipartUploadInput,
): Promise<MultipartUpload> {
  const key = assertKey(input.key);
  const bucket = await findUploadTarget(context, scope, input.bucketId);
  assertMimeTypeAllowed(bucket.allowedMimeTypes, input.contentType);
  const version = newVersion();
  const owner = ownerOf(scope.caller);
  await context.metadata.dryRun(scope, (tx) =>
    writeObjectRow(
      tx,
      {
        bucketId: bucket.id,
        name: key,
        ...owner,
        version,
        metadata: objectMetadata(input, { size: 0, etag: '' }),
        userMetadata: input.userMetadata,
      },
      true,
    ),
  );
  const pending = { bucketId: bucket.id, key, version, ownerId: owner.ownerId };
  const id = await context.blobs.createMultipartUpload(uploadBlobKey(context, pending));
  return context.uploads.create({
    id,
    ...pending,
    contentType: input.contentType,
    cacheControl: input.cacheControl,
    userMetadata: input.userMetadata,
  });
}
