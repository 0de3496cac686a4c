import { pipeline, type Readable } from 'node:stream';
import type { Scope } from '../domain/caller';
import { errors } from '../errors';
import type { BlobInfo } from '../ports/blob-store';
import { findMultipartUpload, type MultipartContext, uploadBlobKey } from './find-multipart-upload';
import { sizeLimit } from './size-limit';
import { findUploadTarget, uploadLimitOf } from './upload-object';

export const MAX_PART_NUMBER = 10_000;

export interface UploadPartInput {
  readonly bucketId: string;
  readonly key: string;
  readonly uploadId: string;
  readonly partNumber: number;
  readonly body: Readable;
  /** What the client announced; the limit is enforced on the bytes. */
  readonly contentLength?: number;
}

export function assertPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw errors.invalidRequest(`Part number must be an integer between 1 and ${MAX_PART_NUMBER}`);
  }
}

/**
 * Stores one part of an upload the caller may continue, streaming it to the blob store within the
 * bucket's size limit, then records it. A part uploaded again under the same number replaces it.
 */
export async function uploadPart(
  context: MultipartContext,
  scope: Scope,
  input: UploadPartInput,
): Promise<BlobInfo> {
  assertPartNumber(input.partNumber);
  const upload = await findMultipartUpload(context, scope, input);
  const limit = uploadLimitOf(context, await findUploadTarget(context, scope, upload.bucketId));
  if (limit !== null && input.contentLength !== undefined && input.contentLength > limit) {
    throw errors.entityTooLarge();
  }
  const limited = pipeline(input.body, sizeLimit(limit), () => undefined);
  const part = await context.blobs.uploadPart(
    uploadBlobKey(context, upload),
    upload.id,
    input.partNumber,
    limited,
  );
  await context.uploads.savePart(upload.id, { partNumber: input.partNumber, ...part });
  return part;
}
