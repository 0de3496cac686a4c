import { assertBucketName } from '../domain/bucket-name';
import type { Scope } from '../domain/caller';
import { errors } from '../errors';
import { deleteBlobsOf } from './object-blob-key';
import type { StorageContext } from './storage-context';

/** Deletes an empty bucket; `ResourceNotEmpty` while objects remain. The DELETE policy decides. */
export async function deleteBucket(context: StorageContext, scope: Scope, id: string): Promise<void> {
  assertBucketName(id);
  const deleted = await context.metadata.transaction(scope, (tx) => tx.deleteBucket(id));
  if (!deleted) throw errors.noSuchBucket();
}

const EMPTY_BATCH = 1000;

/**
 * Deletes every object of a bucket that the caller may delete, in short transactions of a thousand rows,
 * removing each batch's blobs once its rows are gone.
 */
export async function emptyBucket(context: StorageContext, scope: Scope, id: string): Promise<void> {
  assertBucketName(id);
  for (let first = true; ; first = false) {
    const batch = await context.metadata.transaction(scope, async (tx) => {
      if (first && !(await tx.findBucket(id))) throw errors.noSuchBucket();
      return tx.deleteObjectBatch(id, EMPTY_BATCH);
    });
    await deleteBlobsOf(context, batch);
    if (batch.length < EMPTY_BATCH) return;
  }
}
