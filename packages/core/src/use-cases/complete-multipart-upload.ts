import { ownerFromSub, type Scope } from '../domain/caller';
import type { NewObject, StoredObject } from '../domain/stored-object';
import { errors } from '../errors';
import type { CompletedPart } from '../ports/blob-store';
import {
  findMultipartUpload,
  inUploadTurn,
  type MultipartContext,
  uploadBlobKey,
} from './find-multipart-upload';
import { deleteBlobsOf } from './object-blob-key';
import { ONE_STATEMENT } from './one-statement';
import { findUploadTarget, objectMetadata, uploadLimitOf, writeObjectRow } from './upload-object';
import { MAX_PART_NUMBER } from './upload-part';

/** S3's smallest part, except for the last one. */
export const MIN_PART_SIZE = 5 * 2 ** 20;

export interface CompleteMultipartUploadInput {
  readonly bucketId: string;
  readonly key: string;
  readonly uploadId: string;
  /** The parts to assemble, in ascending part-number order, each with the ETag its upload returned. */
  readonly parts: readonly CompletedPart[];
  /** Stops waiting for another completion or abort of the same upload (the client went away). */
  readonly signal?: AbortSignal;
}

const bare = (etag: string) => etag.replaceAll('"', '');

/**
 * Assembles the named parts into the object, with the same guarantees as an upload: the parts are
 * checked (order, ETags, sizes, limits) and the policies asked before anything is assembled; the row is
 * committed only once the blob is whole, and a replaced version deleted only after that. On failure the
 * assembled blob is removed; the upload itself is forgotten once the object exists. Two completions of
 * one upload take turns, so it is assembled once and the later one finds NoSuchUpload.
 */
export function completeMultipartUpload(
  context: MultipartContext,
  scope: Scope,
  input: CompleteMultipartUploadInput,
): Promise<StoredObject> {
  return inUploadTurn(context, input.uploadId, input.signal, () => assemble(context, scope, input));
}

async function assemble(
  context: MultipartContext,
  scope: Scope,
  input: CompleteMultipartUploadInput,
): Promise<StoredObject> {
  const upload = await findMultipartUpload(context, scope, input);
  if (input.parts.length === 0) throw errors.invalidRequest('You must specify at least one part');
  input.parts.forEach((part, index) => {
    if (index > 0 && part.partNumber <= (input.parts[index - 1]?.partNumber ?? 0))
      throw errors.invalidPartOrder();
  });
  const uploaded = new Map(
    (await context.uploads.listParts(upload.id, 0, MAX_PART_NUMBER)).map((part) => [part.partNumber, part]),
  );
  let size = 0;
  input.parts.forEach((part, index) => {
    const stored = uploaded.get(part.partNumber);
    if (!stored || bare(stored.etag) !== bare(part.etag)) throw errors.invalidPart();
    if (index < input.parts.length - 1 && stored.size < MIN_PART_SIZE) throw errors.entityTooSmall();
    size += stored.size;
  });
  const limit = uploadLimitOf(context, await findUploadTarget(context, scope, upload.bucketId));
  if (limit !== null && size > limit) throw errors.entityTooLarge();

  const row = (blob: { size: number; etag: string }): NewObject => ({
    bucketId: upload.bucketId,
    name: upload.key,
    ...ownerFromSub(upload.ownerId),
    version: upload.version,
    metadata: objectMetadata(upload, blob),
    userMetadata: upload.userMetadata,
  });
  await context.metadata.dryRun(scope, (tx) => writeObjectRow(tx, row({ size, etag: '' }), true));
  const location = uploadBlobKey(context, upload);
  const blob = await context.blobs.completeMultipartUpload(
    location,
    upload.id,
    input.parts.map((part) => ({ partNumber: part.partNumber, etag: bare(part.etag) })),
  );
  try {
    const written = await context.metadata.transaction(
      scope,
      (tx) => writeObjectRow(tx, row(blob), true),
      ONE_STATEMENT,
    );
    if (written.previousVersion !== null && written.previousVersion !== upload.version) {
      await deleteBlobsOf(context, [
        { bucketId: upload.bucketId, name: upload.key, version: written.previousVersion },
      ]);
    }
    await context.uploads.delete(upload.id);
    return written.object;
  } catch (error) {
    await context.blobs.delete([location]).catch(() => undefined);
    throw error;
  }
}
