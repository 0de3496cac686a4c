export interface Bucket {
  readonly id: string;
  readonly name: string;
  readonly owner: string | null;
  readonly ownerId: string | null;
  readonly public: boolean;
  /** Bytes; `null` means only the global limit applies. */
  readonly fileSizeLimit: number | null;
  /** `null` or empty admits every type. */
  readonly allowedMimeTypes: readonly string[] | null;
  readonly type: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewBucket {
  readonly id: string;
  readonly name: string;
  readonly owner: string | null;
  readonly ownerId: string | null;
  readonly public: boolean;
  readonly fileSizeLimit: number | null;
  readonly allowedMimeTypes: readonly string[] | null;
}

/** Only the fields present change. */
export interface BucketPatch {
  readonly public?: boolean;
  readonly fileSizeLimit?: number | null;
  readonly allowedMimeTypes?: readonly string[] | null;
}

export type BucketSortColumn = 'id' | 'name' | 'created_at' | 'updated_at';

export interface ListBucketsQuery {
  readonly limit?: number;
  readonly offset?: number;
  readonly sortColumn?: BucketSortColumn;
  readonly sortOrder?: 'asc' | 'desc';
  /** Case-insensitive substring of the name, matched literally. */
  readonly search?: string;
}
