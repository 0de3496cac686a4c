import type { StoredObject } from '@stowage/core';

/** A `storage.objects` row as the reference returns it (bulk delete, copy). */
export const objectRowJson = (object: StoredObject) => ({
  id: object.id,
  bucket_id: object.bucketId,
  name: object.name,
  owner: object.owner,
  owner_id: object.ownerId,
  version: object.version,
  metadata: object.metadata,
  user_metadata: object.userMetadata,
  created_at: object.createdAt.toISOString(),
  updated_at: object.updatedAt.toISOString(),
  last_accessed_at: object.lastAccessedAt.toISOString(),
});

/** A file entry of a listing; `name` is given because v1 names are relative to the prefix. */
export const listedObjectJson = (name: string, object: StoredObject) => ({
  name,
  id: object.id,
  updated_at: object.updatedAt.toISOString(),
  created_at: object.createdAt.toISOString(),
  last_accessed_at: object.lastAccessedAt.toISOString(),
  metadata: object.metadata,
});

/** A folder entry of a listing: only a name. */
export const listedFolderJson = (name: string) => ({
  name,
  id: null,
  updated_at: null,
  created_at: null,
  last_accessed_at: null,
  metadata: null,
});

/** `GET /object/info/…`. */
export const objectInfoJson = (object: StoredObject) => ({
  id: object.id,
  name: object.name,
  version: object.version ?? '',
  bucket_id: object.bucketId,
  size: object.metadata?.size ?? null,
  content_type: object.metadata?.mimetype ?? null,
  cache_control: object.metadata?.cacheControl ?? null,
  etag: object.metadata?.eTag ?? null,
  metadata: object.userMetadata,
  last_modified: object.metadata?.lastModified ?? object.updatedAt.toISOString(),
  created_at: object.createdAt.toISOString(),
});
