import type { Bucket } from '@stowage/core';

/** A bucket as the reference renders it; `owner` is `""` when it was created without a sub. */
export const bucketJson = (bucket: Bucket) => ({
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
