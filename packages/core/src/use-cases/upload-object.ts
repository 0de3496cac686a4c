import { pipeline, type Readable } from 'node:stream';
import { blobKey, newVersion } from '../domain/blob-key';
import type { Bucket } from '../domain/bucket';
import { assertBucketName } from '../domain/bucket-name';
import { ownerOf, type Scope, systemScope } from '../domain/caller';
import { smallestLimit } from '../domain/file-size';
import { assertMimeTypeAllowed } from '../domain/mime-type';
import { assertKey } from '../domain/object-key';
import type { NewObject, ObjectMetadata, StoredObject } from '../domain/stored-object';
import { errors } from '../errors';
import type { MetadataTransaction } from '../ports/metadata-store';
import { deleteBlobsOf } from './object-blob-key';
import { ONE_STATEMENT } from './one-statement';
import { sizeLimit } from './size-limit';
import type { StorageContext } from './storage-context';

export interface UploadObjectInput {
  readonly bucketId: string;
  readonly key: string;
  readonly body: Readable;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly userMetadata: Record<string, unknown> | null;
  /** Replace an existing object (POST with `x-upsert: true`, and PUT) instead of failing. */
  readonly upsert: boolean;
  /** What the client announced; checked early, never trusted: the limit is enforced on the bytes. */
  readonly contentLength?: number;
  /** Owner recorded on the row when it is not the caller (signed uploads carry it in their token). */
  readonly owner?: { owner: string | null; ownerId: string | null };
}

/** The bucket's settings as the upload sees them, whatever the caller's policies on buckets. */
export async function findUploadTarget(
  context: StorageContext,
  scope: Scope,
  bucketId: string,
): Promise<Bucket> {
  assertBucketName(bucketId);
  const bucket = await context.metadata.transaction(
    systemScope(scope.operation, scope.request),
    (tx) => tx.findBucket(bucketId),
    ONE_STATEMENT,
  );
  if (!bucket) throw errors.noSuchBucket();
  return bucket;
}

/** The largest upload a bucket admits. */
export const uploadLimitOf = (context: StorageContext, bucket: Bucket): number | null =>
  smallestLimit(context.settings.uploadFileSizeLimit, bucket.fileSizeLimit);

/** Writes a row as an upload does, in one statement: insert, or insert-or-replace with upsert. */
export async function writeObjectRow(
  tx: MetadataTransaction,
  row: NewObject,
  upsert: boolean,
): Promise<{ object: StoredObject; previousVersion: string | null }> {
  if (upsert) return tx.upsertObject(row);
  return { object: await tx.insertObject(row), previousVersion: null };
}

/**
 * Stores an object without ever losing one: the policies are asked first (in a transaction rolled back
 * before any byte is stored), the bytes go to a fresh blob version while limits are enforced on the
 * stream, the row is committed in a second short transaction, and only then is a replaced version
 * deleted. On any failure the new blob is removed and a previous object stays as it was.
 */
export async function uploadObject(
  context: StorageContext,
  scope: Scope,
  input: UploadObjectInput,
): Promise<StoredObject> {
  const key = assertKey(input.key);
  const bucketId = assertBucketName(input.bucketId);
  const version = newVersion();
  const owner = input.owner ?? ownerOf(scope.caller);
  const row = (metadata: ObjectMetadata): NewObject => ({
    bucketId,
    name: key,
    ...owner,
    version,
    metadata,
    userMetadata: input.userMetadata,
  });
  // The policies are asked while the bucket's settings are read (two read-only transactions, one wait);
  // the bucket's own refusals still come first.
  const pending = objectMetadata(input, { size: 0, etag: '' });
  const allowed = context.metadata.dryRun(scope, (tx) => writeObjectRow(tx, row(pending), input.upsert));
  allowed.catch(() => undefined);
  const bucket = await findUploadTarget(context, scope, bucketId);
  assertMimeTypeAllowed(bucket.allowedMimeTypes, input.contentType);
  const limit = uploadLimitOf(context, bucket);
  if (limit !== null && input.contentLength !== undefined && input.contentLength > limit) {
    throw errors.entityTooLarge();
  }
  await allowed;

  const location = blobKey({ tenantId: context.settings.tenantId, bucketId: bucket.id, key, version });
  const limited = pipeline(input.body, sizeLimit(limit), () => undefined);
  const blob = await context.blobs.put(location, limited);

  try {
    const written = await context.metadata.transaction(
      scope,
      (tx) => writeObjectRow(tx, row(objectMetadata(input, blob)), input.upsert),
      ONE_STATEMENT,
    );
    if (written.previousVersion !== null && written.previousVersion !== version) {
      await deleteBlobsOf(context, [{ bucketId: bucket.id, name: key, version: written.previousVersion }]);
    }
    return written.object;
  } catch (error) {
    await context.blobs.delete([location]).catch(() => undefined);
    throw error;
  }
}

/** The system metadata of a freshly written blob, shaped as the reference server writes it. */
export function objectMetadata(
  input: Pick<UploadObjectInput, 'contentType' | 'cacheControl'>,
  blob: { size: number; etag: string },
): ObjectMetadata {
  return {
    eTag: `"${blob.etag}"`,
    size: blob.size,
    mimetype: input.contentType,
    cacheControl: input.cacheControl,
    lastModified: new Date().toISOString(),
    contentLength: blob.size,
    httpStatusCode: 200,
  };
}
