import { blobKey, newVersion } from '../domain/blob-key';
import { assertBucketName } from '../domain/bucket-name';
import { ownerOf, type Scope } from '../domain/caller';
import { assertKey } from '../domain/object-key';
import type { NewObject, StoredObject } from '../domain/stored-object';
import { errors } from '../errors';
import type { BlobInfo } from '../ports/blob-store';
import type { MetadataTransaction } from '../ports/metadata-store';
import { assertFitsBucket } from './assert-fits-bucket';
import { deleteBlobsOf, objectBlobKey } from './object-blob-key';
import type { StorageContext } from './storage-context';
import { findUploadTarget, objectMetadata, writeObjectRow } from './upload-object';

export interface CopyObjectInput {
  readonly bucketId: string;
  readonly sourceKey: string;
  readonly destinationBucket?: string;
  readonly destinationKey: string;
  /** Overrides of the copy's system metadata. */
  readonly metadata?: { readonly cacheControl?: string; readonly mimetype?: string };
  /** Whether the user metadata comes along (default true). */
  readonly copyMetadata?: boolean;
  /** The copy's user metadata instead of the source's (S3's metadata directive REPLACE). */
  readonly userMetadata?: Record<string, unknown> | null;
  readonly upsert: boolean;
  /** Refuses (by throwing) a source the copy must not be made of, e.g. S3's copy-source conditions. */
  readonly assertSource?: (source: StoredObject) => void;
}

/**
 * Copies an object to a new key, possibly in another bucket whose limits it must meet. The caller needs
 * SELECT on the source and INSERT (or UPDATE, with upsert) on the destination. The blob is copied
 * server-side to a fresh version before the destination row is committed.
 */
export async function copyObject(
  context: StorageContext,
  scope: Scope,
  input: CopyObjectInput,
): Promise<StoredObject> {
  const sourceBucket = assertBucketName(input.bucketId);
  const sourceKey = assertKey(input.sourceKey);
  const destinationKey = assertKey(input.destinationKey);
  const destination = await findUploadTarget(context, scope, input.destinationBucket ?? sourceBucket);
  const version = newVersion();

  const write = (copied?: BlobInfo) => async (tx: MetadataTransaction) => {
    const source = await tx.findObject(sourceBucket, sourceKey);
    if (!source) throw errors.noSuchKey();
    input.assertSource?.(source);
    const mimetype = input.metadata?.mimetype ?? source.metadata?.mimetype ?? 'application/octet-stream';
    assertFitsBucket(context, destination, source, mimetype);
    const size = copied?.size ?? source.metadata?.size ?? 0;
    const etag = copied?.etag ?? (source.metadata?.eTag ?? '').replaceAll('"', '');
    const row: NewObject = {
      bucketId: destination.id,
      name: destinationKey,
      ...ownerOf(scope.caller),
      version,
      metadata: objectMetadata(
        {
          contentType: mimetype,
          cacheControl: input.metadata?.cacheControl ?? source.metadata?.cacheControl ?? 'no-cache',
        },
        { size, etag },
      ),
      userMetadata:
        input.userMetadata !== undefined
          ? input.userMetadata
          : input.copyMetadata === false
            ? null
            : source.userMetadata,
    };
    return { source, written: await writeObjectRow(tx, row, input.upsert) };
  };

  const { source } = await context.metadata.dryRun(scope, write());
  const location = blobKey({
    tenantId: context.settings.tenantId,
    bucketId: destination.id,
    key: destinationKey,
    version,
  });
  const copied = await context.blobs.copy(objectBlobKey(context, source), location);
  try {
    const { written } = await context.metadata.transaction(scope, write(copied));
    if (written.previousVersion !== null) {
      await deleteBlobsOf(context, [
        { bucketId: destination.id, name: destinationKey, version: written.previousVersion },
      ]);
    }
    return written.object;
  } catch (error) {
    await context.blobs.delete([location]).catch(() => undefined);
    throw error;
  }
}
