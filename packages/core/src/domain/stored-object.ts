/** System metadata kept in `storage.objects.metadata`, shaped as the reference server writes it. */
export interface ObjectMetadata {
  readonly eTag: string;
  readonly size: number;
  readonly mimetype: string;
  readonly cacheControl: string;
  readonly lastModified: string;
  readonly contentLength: number;
  readonly httpStatusCode: number;
}

/** A row of `storage.objects`. Rows written by other tools may lack metadata. */
export interface StoredObject {
  readonly id: string;
  readonly bucketId: string;
  readonly name: string;
  readonly owner: string | null;
  readonly ownerId: string | null;
  /** The blob version this row points at; `null` for rows made by tools that do not version blobs. */
  readonly version: string | null;
  readonly metadata: Partial<ObjectMetadata> | null;
  readonly userMetadata: Record<string, unknown> | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lastAccessedAt: Date;
}

export interface NewObject {
  readonly bucketId: string;
  readonly name: string;
  readonly owner: string | null;
  readonly ownerId: string | null;
  readonly version: string;
  readonly metadata: ObjectMetadata;
  readonly userMetadata: Record<string, unknown> | null;
}

export type ObjectSortColumn = 'name' | 'updated_at' | 'created_at' | 'last_accessed_at';

/** List v1: the entries directly under a folder. */
export interface ListObjectsQuery {
  readonly bucketId: string;
  /** A folder, with or without its trailing `/`; `''` is the bucket's root. */
  readonly prefix: string;
  readonly limit: number;
  readonly offset: number;
  readonly sortBy: { readonly column: ObjectSortColumn; readonly order: 'asc' | 'desc' };
  /** Keeps entries whose name (relative to the prefix) starts with this, case-insensitively. */
  readonly search?: string;
}

/** What a v1 listing shows of a file: its row without the owner, the version and the user's metadata. */
export type ListedObject = Pick<
  StoredObject,
  'id' | 'name' | 'metadata' | 'createdAt' | 'updatedAt' | 'lastAccessedAt'
>;

/** A v1 entry: a file (`object` set) or a sub-folder (`object` null). `name` is relative to the prefix. */
export interface ListEntry {
  readonly name: string;
  readonly object: ListedObject | null;
}

/** List v2: keys under a prefix, optionally rolled up into folders at the next `/`, with a cursor. */
export interface ListObjectsV2Query {
  readonly bucketId: string;
  readonly prefix: string;
  readonly limit: number;
  /** Opaque, from a previous page's `nextCursor`. */
  readonly cursor?: string;
  /**
   * Name order only, without a cursor: entries after this key (S3's start-after and marker). With the
   * delimiter, a key ending in `/` skips that whole folder, so a folder listed last can be started after.
   */
  readonly startAfter?: string;
  readonly withDelimiter: boolean;
  readonly sortBy: { readonly column: 'name' | 'updated_at' | 'created_at'; readonly order: 'asc' | 'desc' };
}

export interface ListObjectsV2Page {
  /** Full folder keys without the trailing `/`, e.g. `docs/2024`. */
  readonly folders: readonly string[];
  readonly objects: readonly StoredObject[];
  readonly nextCursor?: string;
}
