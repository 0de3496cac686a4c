import type { Bucket } from '@stowage/core';
import { z } from 'zod';

export const bucketJsonSchema = z.object({
  id: z.string(),
  name: z.string(),
  owner: z.string(),
  public: z.boolean(),
  file_size_limit: z.number().nullable(),
  allowed_mime_types: z.array(z.string()).readonly().nullable(),
  type: z.string(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

/** A bucket as the reference renders it; `owner` is `""` when it was created without a sub. */
export const bucketJson = (bucket: Bucket): z.output<typeof bucketJsonSchema> => ({
  id: bucket.id,
  name: bucket.name,
  owner: bucket.owner ?? bucket.ownerId ?? '',
  public: bucket.public,
  file_size_limit: bucket.fileSizeLimit,
  allowed_mime_types: bucket.allowedMimeTypes,
  type: bucket.type,
  created_at: bucket.createdAt.toISOString(),
  updated_at: bucket.updatedAt.toISOString(),
});
