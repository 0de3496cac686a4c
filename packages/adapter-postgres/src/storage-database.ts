import type { ColumnType, Generated } from 'kysely';

/** JSON columns: objects when read, JSON text when written (both drivers parse and accept it). */
type Json = ColumnType<Record<string, unknown> | null, string | null, string | null>;

/** `bigint` reads as a string on `pg` and a number on PGlite. */
type BigIntColumn = ColumnType<string | number | null, number | null, number | null>;

type Timestamp = ColumnType<Date, never, never>;

export interface BucketsTable {
  id: string;
  name: string;
  owner: string | null;
  owner_id: string | null;
  public: ColumnType<boolean, boolean, boolean>;
  file_size_limit: BigIntColumn;
  allowed_mime_types: ColumnType<string[] | null, string[] | null, string[] | null>;
  type: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ObjectsTable {
  id: ColumnType<string, string, never>;
  bucket_id: string;
  name: string;
  owner: string | null;
  owner_id: string | null;
  version: string | null;
  metadata: Json;
  user_metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_accessed_at: ColumnType<Date, never, Date>;
  path_tokens: ColumnType<string[], never, never>;
}

export interface ResumableUploadsTable {
  id: string;
  bucket_id: string;
  object_name: string;
  version: string;
  upload_length: BigIntColumn;
  size_limit: BigIntColumn;
  upload_offset: ColumnType<string | number, number | undefined, number>;
  multipart_upload_id: string;
  parts: ColumnType<unknown, string | undefined, string>;
  tail_key: string | null;
  tail_size: ColumnType<string | number, number | undefined, number>;
  md5_state: ColumnType<Uint8Array | null, never, Buffer | null>;
  upsert: boolean;
  owner: string | null;
  owner_id: string | null;
  content_type: string;
  cache_control: string;
  user_metadata: Json;
  client_metadata: ColumnType<Record<string, string | null>, string, string>;
  created_at: Timestamp;
  expires_at: ColumnType<Date, Date, Date>;
  completed_at: ColumnType<Date | null, never, Date>;
}

export interface MultipartUploadsTable {
  id: string;
  in_progress_size: ColumnType<string | number, number | undefined, number>;
  upload_signature: string;
  bucket_id: string;
  key: string;
  version: string;
  owner_id: string | null;
  user_metadata: Json;
  metadata: Json;
  created_at: ColumnType<Date, never, never>;
}

export interface MultipartUploadPartsTable {
  id: Generated<string>;
  upload_id: string;
  size: ColumnType<string | number, number, number>;
  part_number: number;
  bucket_id: string;
  key: string;
  etag: string;
  owner_id: string | null;
  version: string;
  created_at: ColumnType<Date, never, never>;
}

/** The tables of the `storage` schema that the metadata store reads and writes. */
export interface StorageDatabase {
  'storage.buckets': BucketsTable;
  'storage.objects': ObjectsTable;
  'storage.resumable_uploads': ResumableUploadsTable;
  'storage.s3_multipart_uploads': MultipartUploadsTable;
  'storage.s3_multipart_uploads_parts': MultipartUploadPartsTable;
}
