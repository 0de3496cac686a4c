import { assertBucketName } from '../domain/bucket-name';
import type { Scope } from '../domain/caller';
import { assertKey } from '../domain/object-key';
import type { StoredObject } from '../domain/stored-object';
import { errors } from '../errors';
import { deleteBlobsOf } from './object-blob-key';
import { ONE_STATEMENT } from './one-statement';
import type { StorageContext } from './storage-context';

export const MAX_DELETE_PREFIXES = 1000;

/**
 * Deletes the named objects the caller's DELETE policy allows and resolves with their rows; names that are
 * missing or hidden are simply absent from the result. Blobs go once the rows are committed.
 */
export async function deleteObjects(
  context: StorageContext,
  scope: Scope,
  bucketId: string,
  names: readonly string[],
): Promise<StoredObject[]> {
  assertBucketName(bucketId);
  if (names.length === 0 || names.length > MAX_DELETE_PREFIXES) {
    throw errors.invalidRequest(`Provide between 1 and ${MAX_DELETE_PREFIXES} prefixes`);
  }
  names.forEach(assertKey);
  const deleted = await context.metadata.transaction(
    scope,
    (tx) => tx.deleteObjects(bucketId, names),
    ONE_STATEMENT,
  );
  await deleteBlobsOf(context, deleted);
  return deleted;
}

/** Deletes one object; `NoSuchKey` when it is missing or the caller may not delete it. */
export async function deleteObject(
  context: StorageContext,
  scope: Scope,
  bucketId: string,
  key: string,
): Promise<void> {
  const [deleted] = await deleteObjects(context, scope, bucketId, [key]);
  if (!deleted) throw errors.noSuchKey();
}
