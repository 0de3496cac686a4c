import type { UploadLock, UploadLockOptions } from './resumable-upload-store';

/** A multipart upload in progress: what the completed object will be, and where its parts go. */
export interface MultipartUpload {
  /** The blob store's upload id, which is also the id clients use. */
  readonly id: string;
  readonly bucketId: string;
  readonly key: string;
  /** The blob version the completed object is assembled at. */
  readonly version: string;
  /** The `sub` of whoever started it (`null` for the service); only they may continue it. */
  readonly ownerId: string | null;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly userMetadata: Record<string, unknown> | null;
  readonly createdAt: Date;
}

export type NewMultipartUpload = Omit<MultipartUpload, 'createdAt'>;

export interface UploadedPart {
  readonly partNumber: number;
  /** Hex MD5 of the part, unquoted. */
  readonly etag: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface ListMultipartUploadsQuery {
  readonly bucketId: string;
  /** Keys starting with this. */
  readonly prefix: string;
  /** Only uploads after this (key, upload id) pair, in that order; an id without a key means none. */
  readonly keyMarker?: string;
  readonly uploadIdMarker?: string;
  /** Only this owner's uploads; `undefined` for all of them. */
  readonly ownerId?: string | null;
  readonly limit: number;
}

/**
 * Where multipart uploads are remembered between requests, so that any server instance can continue an
 * upload another one started. Its rows are the service's own bookkeeping: who may continue an upload is
 * decided by the use cases, not by database policies.
 */
export interface MultipartUploadStore {
  create(upload: NewMultipartUpload): Promise<MultipartUpload>;
  /** `undefined` when there is no such upload (never started, completed or aborted). */
  find(id: string): Promise<MultipartUpload | undefined>;
  /**
   * Records a stored part; a part uploaded again under the same number replaces the earlier one. A part
   * of an upload that is gone (completed or aborted meanwhile) is ignored.
   */
  savePart(uploadId: string, part: Omit<UploadedPart, 'lastModified'>): Promise<void>;
  /** Parts in part-number order, after `afterPartNumber`, at most `limit`. */
  listParts(uploadId: string, afterPartNumber: number, limit: number): Promise<UploadedPart[]>;
  /** Uploads of a bucket in (key, id) order; `limit` at most. */
  listUploads(query: ListMultipartUploadsQuery): Promise<MultipartUpload[]>;
  /** Forgets an upload and its parts; `false` when it was already gone (another request finished it). */
  delete(id: string): Promise<boolean>;
  /**
   * Waits for exclusive use of the upload across every instance sharing this store, so that completing
   * and aborting one upload take turns. A lock whose holder dies (its process or connection ends) is
   * released.
   */
  lock(id: string, options: UploadLockOptions): Promise<UploadLock>;
}
