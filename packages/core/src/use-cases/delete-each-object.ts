import { type Scope, systemScope } from '../domain/caller';
import { deleteObjects } from './delete-objects';
import { ONE_STATEMENT } from './one-statement';
import type { StorageContext } from './storage-context';
import { findUploadTarget } from './upload-object';

/** What became of each name S3's DeleteObjects named. */
export interface DeleteOutcome {
  /** Deleted now, or not there to begin with (S3 counts both as deleted). */
  readonly deleted: string[];
  /** Still there: the caller's DELETE policy refused them. */
  readonly refused: string[];
}

/**
 * Deletes the named objects as the caller's DELETE policy allows, and tells the refused ones from the
 * missing ones as S3 does: a key that no longer exists counts as deleted, one that still exists was
 * refused, even when the caller's SELECT policy hides it (S3 answers AccessDenied whatever the key).
 * A bucket that does not exist is NoSuchBucket, not a success.
 */
export async function deleteEachObject(
  context: StorageContext,
  scope: Scope,
  bucketId: string,
  names: readonly string[],
): Promise<DeleteOutcome> {
  await findUploadTarget(context, scope, bucketId);
  const gone = new Set((await deleteObjects(context, scope, bucketId, names)).map((object) => object.name));
  const kept = names.filter((name) => !gone.has(name));
  if (kept.length === 0) return { deleted: [...names], refused: [] };
  const refused = await context.metadata.transaction(
    systemScope(scope.operation, scope.request),
    (tx) => tx.findObjectNames(bucketId, kept),
    ONE_STATEMENT,
  );
  return { deleted: names.filter((name) => !refused.has(name)), refused: [...refused] };
}
