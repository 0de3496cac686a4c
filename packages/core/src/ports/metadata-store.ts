import type { Bucket, BucketPatch, ListBucketsQuery, NewBucket } from '../domain/bucket';
import type { Scope } from '../domain/caller';
import type {
  ListEntry,
  ListObjectsQuery,
  ListObjectsV2Page,
  ListObjectsV2Query,
  NewObject,
  StoredObject,
} from '../domain/stored-object';

/**
 * Where buckets and objects are described. Every read and write happens inside a unit of work scoped to
 * one caller, so the database's own policies (Row Level Security) decide what the caller may see and do:
 * a row the caller may not read is reported exactly as a missing one.
 */
export interface MetadataStore {
  /**
   * Runs `work` in one transaction under the scope's role and claims. Commits when `work` resolves, rolls
   * back when it rejects (and rethrows). Nothing of the scope outlives the transaction.
   */
  transaction<T>(
    scope: Scope,
    work: (tx: MetadataTransaction) => Promise<T>,
    options?: UnitOfWorkOptions,
  ): Promise<T>;

  /**
   * Like `transaction`, but always rolls back: asks "would the caller be allowed to do this?" without
   * leaving a trace. Resolves with `work`'s result; rejects with its error.
   */
  dryRun<T>(scope: Scope, work: (tx: MetadataTransaction) => Promise<T>): Promise<T>;

  /** Releases connections. */
  close(): Promise<void>;
}

/** How a store may run a unit of work. */
export interface UnitOfWorkOptions {
  /**
   * The work makes exactly one statement and cannot fail once that statement has succeeded. The store
   * may then run the statement as a transaction of its own, saving its begin and commit: it is committed
   * as soon as it succeeds, and rolled back when it fails. A second statement is refused.
   */
  readonly oneStatement?: boolean;
}

/** What a read through a bucket's public flag finds. */
export interface PublicRead {
  readonly public: boolean;
  /** Looked for only in a public bucket. */
  readonly object: StoredObject | undefined;
}

/**
 * The statements of one unit of work. Writes refused by a policy reject with `AccessDenied`; unique
 * violations with the error named on each method.
 */
export interface MetadataTransaction {
  findBucket(id: string): Promise<Bucket | undefined>;
  listBuckets(query: ListBucketsQuery): Promise<Bucket[]>;
  /** Rejects with `BucketAlreadyExists` when the id or the name is taken. */
  createBucket(bucket: NewBucket): Promise<Bucket>;
  /** `undefined` when the bucket is missing or hidden. */
  updateBucket(id: string, patch: BucketPatch): Promise<Bucket | undefined>;
  /** `false` when missing or hidden; rejects with `ResourceNotEmpty` while objects remain. */
  deleteBucket(id: string): Promise<boolean>;

  /** The object row, when it exists and the caller may read it. */
  findObject(bucketId: string, name: string): Promise<StoredObject | undefined>;
  /** Which of `names` are rows of the bucket that the caller may read, in one statement. */
  findObjectNames(bucketId: string, names: readonly string[]): Promise<Set<string>>;
  /**
   * A read through a bucket's public flag, in one statement: `undefined` when the bucket does not exist;
   * else the flag and, only when the bucket is public, the object row if there is one.
   */
  findPublicObject(bucketId: string, name: string): Promise<PublicRead | undefined>;
  /** Rejects with `KeyAlreadyExists` when the name is taken (even by a row the caller cannot see). */
  insertObject(object: NewObject): Promise<StoredObject>;
  /**
   * Inserts, or replaces the row of the same name keeping its id and `created_at`. `previousVersion` is the
   * blob version the replaced row pointed at.
   */
  upsertObject(object: NewObject): Promise<{ object: StoredObject; previousVersion: string | null }>;
  /**
   * Renames a row, possibly into another bucket; the destination must pass the policies' checks. Resolves
   * `undefined` when the source is missing or hidden; rejects with `ResourceAlreadyExists` when the
   * destination is taken. The row keeps its id and version.
   */
  moveObject(
    from: { bucketId: string; name: string },
    to: { bucketId: string; name: string; owner: string | null; ownerId: string | null },
  ): Promise<StoredObject | undefined>;
  /** Deletes the named rows the caller may delete; resolves with the rows actually deleted. */
  deleteObjects(bucketId: string, names: readonly string[]): Promise<StoredObject[]>;
  /**
   * Deletes up to `limit` rows of a bucket that the caller may delete and returns them; called repeatedly
   * until it returns fewer than `limit`.
   */
  deleteObjectBatch(bucketId: string, limit: number): Promise<StoredObject[]>;
  /** Whether the bucket holds any row at all, including rows hidden from the caller. */
  bucketHasObjects(bucketId: string): Promise<boolean>;

  /** List v1: entries directly under `prefix`, sub-folders first-class, in one query. */
  listObjects(query: ListObjectsQuery): Promise<ListEntry[]>;
  /** List v2: a page of keys (and folders, with the delimiter) after the cursor. */
  listObjectsV2(query: ListObjectsV2Query): Promise<ListObjectsV2Page>;
}
