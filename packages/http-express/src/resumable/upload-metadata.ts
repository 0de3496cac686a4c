import { errors } from '@stowage/core';
import { z } from 'zod';

/** What a resumable upload's `Upload-Metadata` says about the object it makes. */
export interface ResumableObjectMetadata {
  readonly bucketId: string;
  readonly objectName: string;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly userMetadata: Record<string, unknown> | null;
}

const fields = z.object({
  bucketName: z.string().min(1),
  objectName: z.string().min(1),
  contentType: z.string().min(1).nullish(),
  cacheControl: z.string().nullish(),
  metadata: z.string().nullish(),
});

/**
 * Reads the client's metadata (already base64-decoded by the protocol). A number of seconds in
 * `cacheControl` becomes `max-age=N`, anything else `no-cache`; `metadata` is JSON text for user metadata.
 */
export function resumableObjectMetadata(
  metadata: Readonly<Record<string, string | null>> | undefined,
): ResumableObjectMetadata {
  const parsed = fields.safeParse(metadata ?? {});
  if (!parsed.success) {
    throw errors.invalidRequest('Upload-Metadata must name bucketName and objectName');
  }
  const { bucketName, objectName, contentType, cacheControl, metadata: userJson } = parsed.data;
  return {
    bucketId: bucketName,
    objectName,
    contentType: contentType ?? 'application/octet-stream',
    cacheControl:
      typeof cacheControl === 'string' && /^\d+$/.test(cacheControl) ? `max-age=${cacheControl}` : 'no-cache',
    userMetadata: typeof userJson === 'string' ? userMetadataOf(userJson) : null,
  };
}

function userMetadataOf(json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw errors.invalidRequest('Upload-Metadata metadata must be JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.invalidRequest('Upload-Metadata metadata must be a JSON object');
  }
  return value as Record<string, unknown>;
}
