import type { Bucket, BucketPatch } from '../domain/bucket';
import { assertBucketName } from '../domain/bucket-name';
import type { Scope } from '../domain/caller';
import { parseFileSize } from '../domain/file-size';
import { assertMimeTypeList } from '../domain/mime-type';
import { errors } from '../errors';
import type { StorageContext } from './storage-context';

export interface UpdateBucketInput {
  readonly public?: boolean;
  readonly fileSizeLimit?: number | string | null;
  readonly allowedMimeTypes?: readonly string[] | null;
}

/** Changes a bucket's settings; only the fields given change. The UPDATE policy decides. */
export async function updateBucket(
  context: StorageContext,
  scope: Scope,
  id: string,
  input: UpdateBucketInput,
): Promise<Bucket> {
  assertBucketName(id);
  if (input.allowedMimeTypes) assertMimeTypeList(input.allowedMimeTypes);
  const patch: BucketPatch = {
    ...(input.public !== undefined && { public: input.public }),
    ...(input.fileSizeLimit !== undefined && { fileSizeLimit: parseFileSize(input.fileSizeLimit) }),
    ...(input.allowedMimeTypes !== undefined && {
      allowedMimeTypes: input.allowedMimeTypes?.length ? input.allowedMimeTypes : null,
    }),
  };
  if (Object.keys(patch).length === 0) {
    throw errors.invalidRequest('Provide at least one of public, file_size_limit or allowed_mime_types');
  }
  const bucket = await context.metadata.transaction(scope, (tx) => tx.updateBucket(id, patch));
  if (!bucket) throw errors.noSuchBucket();
  return bucket;
}
