import { assertBucketName } from '../domain/bucket-name';
import { ownerOf, type Scope } from '../domain/caller';
import { assertKey } from '../domain/object-key';
import type { StoredObject } from '../domain/stored-object';
import { errors } from '../errors';
import type { MetadataTransaction } from '../ports/metadata-store';
import { assertFitsBucket } from './assert-fits-bucket';
import { deleteRenderingsOf, objectBlobKey } from './object-blob-key';
import type { StorageContext } from './storage-context';
import { findUploadTarget } from './upload-object';

export interface MoveObjectInput {
  readonly bucketId: string;
  readonly sourceKey: string;
  readonly destinationBucket?: string;
  readonly destinationKey: string;
}

/**
 * Renames an object, possibly into another bucket whose limits it must then meet. The caller needs UPDATE
 * on the source row, and the renamed row must pass the policies' checks. The blob is copied to the new
 * location first (same version), the row renamed, and only then the old blob removed.
 */
export async function moveObject(
  context: StorageContext,
  scope: Scope,
  input: MoveObjectInput,
): Promise<void> {
  const from = { bucketId: assertBucketName(input.bucketId), name: assertKey(input.sourceKey) };
  const to = {
    bucketId: assertBucketName(input.destinationBucket ?? input.bucketId),
    name: assertKey(input.destinationKey),
    ...ownerOf(scope.caller),
  };
  if (from.bucketId === to.bucketId && from.name === to.name) throw errors.resourceAlreadyExists();

  const destination =
    to.bucketId === from.bucketId ? undefined : await findUploadTarget(context, scope, to.bucketId);
  const rename = async (tx: MetadataTransaction): Promise<StoredObject> => {
    const source = await tx.findObject(from.bucketId, from.name);
    if (!source) throw errors.noSuchKey();
    if (destination) assertFitsBucket(context, destination, source);
    const moved = await tx.moveObject(from, to);
    if (!moved) throw errors.noSuchKey();
    return source;
  };
  const source = await context.metadata.dryRun(scope, rename);
  const oldBlob = objectBlobKey(context, source);
  const newBlob = objectBlobKey(context, { ...source, bucketId: to.bucketId, name: to.name });
  await context.blobs.copy(oldBlob, newBlob);
  try {
    const moved = await context.metadata.transaction(scope, rename);
    if (moved.version !== source.version) throw errors.noSuchKey('The object changed while it was moved');
  } catch (error) {
    await context.blobs.delete([newBlob]).catch(() => undefined);
    throw error;
  }
  await context.blobs.delete([oldBlob]).catch(() => undefined);
  await deleteRenderingsOf(context, [source]);
}
