import type { ListedObject, StoredObject } from '@stowage/core';
import { z } from 'zod';

const timestamp = z.iso.datetime();

let lastTime = Number.NaN;
let lastIso = '';

/**
 * `date.toISOString()`, remembering the last instant written: a row's three timestamps are most often
 * one (an object never replaced or read since its upload), and a listing writes 300 of them.
 */
function isoString(date: Date): string {
  const time = date.getTime();
  if (time !== lastTime) {
    lastIso = date.toISOString();
    lastTime = time;
  }
  return lastIso;
}
const jsonObject = z.record(z.string(), z.unknown());

export const objectRowJsonSchema = z.object({
  id: z.string(),
  bucket_id: z.string(),
  name: z.string(),
  owner: z.string().nullable(),
  owner_id: z.string().nullable(),
  version: z.string().nullable(),
  metadata: jsonObject.nullable(),
  user_metadata: jsonObject.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  last_accessed_at: timestamp,
});

/** A `storage.objects` row as the reference returns it (bulk delete, copy). */
export const objectRowJson = (object: StoredObject): z.output<typeof objectRowJsonSchema> => ({
  id: object.id,
  bucket_id: object.bucketId,
  name: object.name,
  owner: object.owner,
  owner_id: object.ownerId,
  version: object.version,
  metadata: object.metadata,
  user_metadata: object.userMetadata,
  created_at: isoString(object.createdAt),
  updated_at: isoString(object.updatedAt),
  last_accessed_at: isoString(object.lastAccessedAt),
});

/** A listing entry: a file, or a folder with every field but `name` null. */
export const listedEntryJsonSchema = z.object({
  name: z.string(),
  id: z.string().nullable(),
  updated_at: timestamp.nullable(),
  created_at: timestamp.nullable(),
  last_accessed_at: timestamp.nullable(),
  metadata: jsonObject.nullable(),
});

type ListedEntryJson = z.output<typeof listedEntryJsonSchema>;

/** A file entry of a listing; `name` is given because v1 names are relative to the prefix. */
export const listedObjectJson = (name: string, object: ListedObject): ListedEntryJson => ({
  name,
  id: object.id,
  updated_at: isoString(object.updatedAt),
  created_at: isoString(object.createdAt),
  last_accessed_at: isoString(object.lastAccessedAt),
  metadata: object.metadata,
});

/** A folder entry of a listing: only a name. */
export const listedFolderJson = (name: string): ListedEntryJson => ({
  name,
  id: null,
  updated_at: null,
  created_at: null,
  last_accessed_at: null,
  metadata: null,
});

export const objectInfoJsonSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  bucket_id: z.string(),
  size: z.number().nullable(),
  content_type: z.string().nullable(),
  cache_control: z.string().nullable(),
  etag: z.string().nullable(),
  metadata: jsonObject.nullable(),
  last_modified: z.string(),
  created_at: timestamp,
});

/** `GET /object/info/…`. */
export const objectInfoJson = (object: StoredObject): z.output<typeof objectInfoJsonSchema> => ({
  id: object.id,
  name: object.name,
  version: object.version ?? '',
  bucket_id: object.bucketId,
  size: object.metadata?.size ?? null,
  content_type: object.metadata?.mimetype ?? null,
  cache_control: object.metadata?.cacheControl ?? null,
  etag: object.metadata?.eTag ?? null,
  metadata: object.userMetadata,
  last_modified: object.metadata?.lastModified ?? isoString(object.updatedAt),
  created_at: isoString(object.createdAt),
});
