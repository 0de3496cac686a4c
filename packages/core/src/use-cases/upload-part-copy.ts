import type { Scope } from '../domain/caller';
import type { StoredObject } from '../domain/stored-object';
import { errors } from '../errors';
import type { BlobInfo, ByteRange } from '../ports/blob-store';
import { findMultipartUpload, type MultipartContext, uploadBlobKey } from './find-multipart-upload';
import { findReadableObject } from './find-readable-object';
import { readObject } from './read-object';
import { assertPartNumber } from './upload-part';

export interface UploadPartCopyInput {
  readonly bucketId: string;
  readonly key: string;
  readonly uploadId: string;
  readonly partNumber: number;
  readonly source: { readonly bucketId: string; readonly key: string };
  /** Inclusive bytes of the source; the whole object when absent. */
  readonly range?: { readonly start: number; readonly end: number };
  /** Refuses (by throwing) a source the part must not be copied from, e.g. S3's copy-source conditions. */
  readonly assertSource?: (source: StoredObject) => void;
}

/**
 * Stores a part copied from an object the caller may read (the whole object or a range of it),
 * streamed from the blob store into the upload's parts.
 */
export async function uploadPartCopy(
  context: MultipartContext,
  scope: Scope,
  input: UploadPartCopyInput,
): Promise<BlobInfo & { lastModified: Date }> {
  assertPartNumber(input.partNumber);
  const upload = await findMultipartUpload(context, scope, input);
  const source = await findReadableObject(
    context,
    scope,
    'authenticated',
    input.source.bucketId,
    input.source.key,
  );
  input.assertSource?.(source);
  const size = source.metadata?.size ?? 0;
  let range: ByteRange | undefined;
  if (input.range) {
    if (input.range.start > input.range.end || input.range.end >= size) throw errors.invalidRange();
    range = input.range;
  }
  const bytes = await readObject(context, source, range);
  const part = await context.blobs.uploadPart(
    uploadBlobKey(context, upload),
    upload.id,
    input.partNumber,
    bytes,
  );
  await context.uploads.savePart(upload.id, { partNumber: input.partNumber, ...part });
  return { ...part, lastModified: new Date() };
}
