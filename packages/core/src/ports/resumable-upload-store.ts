/** A part of a resumable upload already stored in the blob store's multipart upload. */
export interface StoredPart {
  readonly partNumber: number;
  readonly etag: string;
  readonly size: number;
}

/**
 * Bytes received past the last stored part, kept in a blob of their own until enough follow to make a
 * part (S3 refuses parts under 5 MiB except the last).
 */
export interface UploadTail {
  readonly key: string;
  readonly size: number;
}

/** How far an upload has come: `offset` is the sum of the parts' and the tail's sizes. */
export interface UploadProgress {
  readonly offset: number;
  readonly parts: readonly StoredPart[];
  readonly tail: UploadTail | null;
  /**
   * The saved state of the MD5 of the bytes up to `offset` (opaque to the store), so the object gets the
   * plain MD5 of its content whichever instance takes each request; `null` when none is kept.
   */
  readonly md5State: Uint8Array | null;
}

/** An upload made of several requests, possibly to several server instances, until its last byte. */
export interface NewResumableUpload {
  readonly id: string;
  readonly bucketId: string;
  readonly objectName: string;
  /** The blob version the object will point at. */
  readonly version: string;
  /** Total length in bytes; `null` while the client defers it. */
  readonly length: number | null;
  /** The largest length admitted at creation (bucket and global limits); `null` for none. */
  readonly sizeLimit: number | null;
  /** The blob store's multipart upload that collects the parts. */
  readonly multipartUploadId: string;
  readonly upsert: boolean;
  readonly owner: string | null;
  readonly ownerId: string | null;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly userMetadata: Record<string, unknown> | null;
  /** The key/value pairs the client sent at creation, echoed back when it asks. */
  readonly clientMetadata: Readonly<Record<string, string | null>>;
  readonly expiresAt: Date;
}

export interface ResumableUpload extends NewResumableUpload, UploadProgress {
  readonly createdAt: Date;
  /** When the object row was written; a completed upload only answers questions until it expires. */
  readonly completedAt: Date | null;
}

/** A lock held on one upload; `release` is safe to call more than once. */
export interface UploadLock {
  release(): Promise<void>;
}

export interface UploadLockOptions {
  /** Stop waiting (rejecting with the signal's reason) when it aborts. */
  readonly signal: AbortSignal;
  /** Called on the holder when another request, on this instance, waits for the lock. */
  readonly onRequested: () => void;
}

/**
 * Where the state of unfinished uploads lives, shared by every server instance. Not subject to callers'
 * policies: use cases check permissions on the object before they touch it.
 */
export interface ResumableUploadStore {
  /** Rejects with `ResourceAlreadyExists` when the id is taken. */
  create(upload: NewResumableUpload): Promise<ResumableUpload>;
  /** `undefined` when there is no such upload (never created, removed or swept). */
  find(id: string): Promise<ResumableUpload | undefined>;
  /**
   * Records new progress if the upload is still at `fromOffset` and unfinished; resolves whether it did.
   * A writer that lost the race must not report its bytes.
   */
  recordProgress(id: string, fromOffset: number, progress: UploadProgress): Promise<boolean>;
  /** Sets the length of an upload that deferred it; resolves `false` when the length was already set. */
  declareLength(id: string, length: number): Promise<boolean>;
  /** Marks the upload complete at its full length (the object row is written). */
  markCompleted(id: string, progress: UploadProgress): Promise<void>;
  /** Forgets an upload; missing ids are not an error. */
  remove(id: string): Promise<void>;
  /** Up to `limit` uploads whose `expiresAt` is before `now`, oldest first. */
  listExpired(now: Date, limit: number): Promise<ResumableUpload[]>;
  /**
   * Waits for exclusive use of the upload across every instance sharing this store, so only one request
   * at a time writes to it. A lock whose holder dies (its process or connection ends) is released.
   */
  lock(id: string, options: UploadLockOptions): Promise<UploadLock>;
}
