import { sql } from 'kysely';

/** The object columns a listing returns. */
export const fileColumns = sql`o.id, o.bucket_id, o.name, o.owner, o.owner_id, o.version, o.metadata,
  o.user_metadata, o.created_at, o.updated_at, o.last_accessed_at`;

/** The same columns, as a listing's outer query selects them from its entries. */
export const entryColumns = sql`id, bucket_id, name, owner, owner_id, version, metadata, user_metadata,
  created_at, updated_at, last_accessed_at`;

/** Listing sort columns, as references (never text from the request). */
export const SORT_COLUMN = {
  name: sql`o.name collate "C"`,
  created_at: sql`o.created_at`,
  updated_at: sql`o.updated_at`,
  last_accessed_at: sql`o.last_accessed_at`,
} as const;
