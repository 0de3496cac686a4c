import type { Readable } from 'node:stream';

export interface BlobInfo {
  readonly size: number;
  /** Hex MD5 of the content, unquoted; for a multipart-completed blob, S3's `<md5 of md5s>-<parts>`. */
  readonly etag: string;
}

/** What a `put` wrote. */
export interface PutResult extends BlobInfo {
  /**
   * The ETag the store's own write answered with (S3's PUT), unquoted, when it gives one: a caller checks
   * the stored bytes against it without asking again. It need not be the content's MD5.
   */
  readonly storedEtag?: string;
}

export interface BlobHead extends BlobInfo {
  readonly lastModified: Date;
}

/** Inclusive byte range, already resolved against the blob's size. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface CompletedPart {
  readonly partNumber: number;
  readonly etag: string;
}

/**
 * Where bytes live. Keys are `/`-separated paths built by the domain (`<tenant>/<bucket>/<key>/<version>`);
 * adapters must refuse any key that could escape their root. Blobs are immutable once written: a new
 * version is a new key.
 */
export interface BlobStore {
  /**
   * Streams `body` into `key`, computing size and MD5 on the way. Atomic: readers see the whole blob or
   * none, and when `body` errors (or the write fails) nothing is left at `key` and the promise rejects
   * with the body's error. Memory stays bounded whatever the size.
   */
  put(key: string, body: Readable): Promise<PutResult>;
  /** Streams the blob, or the given range of it. Rejects with `NoSuchKey` when it does not exist. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** `undefined` when the blob does not exist. */
  head(key: string): Promise<BlobHead | undefined>;
  /**
   * The heads of many blobs at once, in the order of `keys`, `undefined` where a blob does not exist: what
   * `head` gives each, in fewer requests where the store can list (S3).
   */
  headMany(keys: readonly string[]): Promise<(BlobHead | undefined)[]>;
  /** Deletes the blobs that exist; missing keys are not an error. */
  delete(keys: readonly string[]): Promise<void>;
  /**
   * Deletes every blob whose key starts with `prefix`, which ends with `/`: a folder of keys, never a blob
   * of its own name. An empty folder is not an error.
   */
  deletePrefix(prefix: string): Promise<void>;
  /** Server-side copy; rejects with `NoSuchKey` when the source does not exist. */
  copy(sourceKey: string, destinationKey: string): Promise<BlobInfo>;

  /** Starts a multipart upload whose completion will create `key`; resolves with its upload id. */
  createMultipartUpload(key: string): Promise<string>;
  /** Stores one part (1–10000); re-uploading a part number replaces it. */
  uploadPart(key: string, uploadId: string, partNumber: number, body: Readable): Promise<BlobInfo>;
  /**
   * Assembles the parts, in the order given, into `key`, then forgets the upload. Rejects with
   * `NoSuchUpload` for an unknown upload and `InvalidRequest` for a part that was never uploaded.
   */
  completeMultipartUpload(key: string, uploadId: string, parts: readonly CompletedPart[]): Promise<BlobInfo>;
  /** Discards an upload and its parts; unknown uploads are not an error. */
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
}
