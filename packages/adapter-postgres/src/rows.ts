import type { Bucket, StoredObject } from '@stowage/core';
import type { Selectable } from 'kysely';
import type { BucketsTable, ObjectsTable } from './storage-database';

export type BucketRow = Selectable<BucketsTable>;
export type ObjectRow = Omit<Selectable<ObjectsTable>, 'path_tokens'>;

/** The bucket columns every read returns, named: a prepared `select *` would not survive a new column. */
export const BUCKET_COLUMNS = [
  'id',
  'name',
  'owner',
  'owner_id',
  'public',
  'file_size_limit',
  'allowed_mime_types',
  'type',
  'created_at',
  'updated_at',
] as const;

/** The object columns every read returns (not `path_tokens`, which is derived). */
export const OBJECT_COLUMNS = [
  'id',
  'bucket_id',
  'name',
  'owner',
  'owner_id',
  'version',
  'metadata',
  'user_metadata',
  'created_at',
  'updated_at',
  'last_accessed_at',
] as const;

export const toBucket = (row: BucketRow): Bucket => ({
  id: row.id,
  name: row.name,
  owner: row.owner,
  ownerId: row.owner_id,
  public: row.public ?? false,
  fileSizeLimit: row.file_size_limit === null ? null : Number(row.file_size_limit),
  allowedMimeTypes: row.allowed_mime_types,
  type: row.type,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const toStoredObject = (row: ObjectRow): StoredObject => ({
  id: row.id,
  bucketId: row.bucket_id,
  name: row.name,
  owner: row.owner,
  ownerId: row.owner_id,
  version: row.version,
  metadata: row.metadata,
  userMetadata: row.user_metadata,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  lastAccessedAt: row.last_accessed_at,
});
