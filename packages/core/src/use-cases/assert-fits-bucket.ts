import type { Bucket } from '../domain/bucket';
import { assertMimeTypeAllowed } from '../domain/mime-type';
import type { StoredObject } from '../domain/stored-object';
import { errors } from '../errors';
import type { StorageContext } from './storage-context';
import { uploadLimitOf } from './upload-object';

/**
 * Checks an existing object against a bucket's size limit and MIME allow-list, as an upload of the same
 * bytes there would be checked (move and copy into another bucket).
 */
export function assertFitsBucket(
  context: StorageContext,
  bucket: Bucket,
  object: Pick<StoredObject, 'metadata'>,
  mimeType = object.metadata?.mimetype ?? 'application/octet-stream',
): void {
  assertMimeTypeAllowed(bucket.allowedMimeTypes, mimeType);
  const limit = uploadLimitOf(context, bucket);
  if (limit !== null && (object.metadata?.size ?? 0) > limit) throw errors.entityTooLarge();
}
