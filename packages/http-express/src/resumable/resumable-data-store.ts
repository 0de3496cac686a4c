import { Readable } from 'node:stream';
import {
  assertKey,
  assertMimeTypeAllowed,
  blobKey,
  deleteBlobsOf,
  errors,
  findUploadTarget,
  type NewObject,
  objectMetadata,
  type ResumableUpload,
  type ResumableUploadStore,
  type Scope,
  type StorageContext,
  uploadLimitOf,
  writeObjectRow,
} from '@stowage/core';
import { DataStore, ERRORS, Upload } from '@tus/utils';
import { sweepExpiredUploads } from './sweep-expired-uploads';
import { uploadBlobKey } from './upload-blob-key';
import { type UploadRequest, type WrittenBytes, writeUploadBytes } from './upload-bytes';
import { uploadTargetOf } from './upload-id';
import { resumableObjectMetadata } from './upload-metadata';

/** Where resumable uploads keep their state, and how long an unfinished one lives. */
export interface ResumableSettings {
  readonly uploads: ResumableUploadStore;
  /** `TUS_URL_EXPIRY_MS`: an unfinished upload expires this long after its creation. */
  readonly expiresInMs: number;
  /**
   * `REQUEST_ALLOW_X_FORWARDED_PATH`: the `Location` of a new upload starts with the request's
   * `X-Forwarded-Prefix` (the path a gateway mounts the server at). Off unless the gateway sets it.
   */
  readonly allowForwardedPrefix?: boolean;
}

/** What one request may do: its scope, and (at creation) whether it may replace and whom it writes for. */
export interface ResumableGrant {
  readonly scope: Scope;
  readonly upsert: boolean;
  readonly owner: { owner: string | null; ownerId: string | null };
}

/**
 * tus's data store for one request, over our ports: bytes go through the blob store (a multipart upload
 * per resumable upload), state lives in the resumable upload store. Creation checks what a REST upload
 * checks before any byte is stored; the last byte writes the object row exactly as a REST upload would.
 */
export class ResumableDataStore extends DataStore {
  /** `declaredLength`: the bytes the request says it carries (`Content-Length`), if it says. */
  constructor(
    private readonly context: StorageContext,
    private readonly settings: ResumableSettings,
    private readonly grant: ResumableGrant,
    private readonly declaredLength: number | undefined,
  ) {
    super();
    this.extensions = [
      'creation',
      'creation-with-upload',
      'creation-defer-length',
      'termination',
      'expiration',
    ];
  }

  override async create(upload: Upload): Promise<Upload> {
    const { context, grant } = this;
    const target = uploadTargetOf(upload.id);
    if (!target) throw ERRORS.FILE_NOT_FOUND;
    const object = resumableObjectMetadata(upload.metadata);
    assertKey(object.objectName);
    const bucket = await findUploadTarget(context, grant.scope, object.bucketId);
    assertMimeTypeAllowed(bucket.allowedMimeTypes, object.contentType);
    const sizeLimit = uploadLimitOf(context, bucket);
    if (sizeLimit !== null && upload.size !== undefined && upload.size > sizeLimit)
      throw errors.entityTooLarge();
    const row: NewObject = {
      bucketId: bucket.id,
      name: object.objectName,
      ...grant.owner,
      version: target.version,
      metadata: objectMetadata(object, { size: 0, etag: '' }),
      userMetadata: object.userMetadata,
    };
    await context.metadata.dryRun(grant.scope, (tx) => writeObjectRow(tx, row, grant.upsert));

    const key = blobKey({ tenantId: context.settings.tenantId, ...row, key: row.name });
    const multipartUploadId = await context.blobs.createMultipartUpload(key);
    const created = await this.settings.uploads.create({
      id: upload.id,
      bucketId: bucket.id,
      objectName: object.objectName,
      version: target.version,
      length: upload.size ?? null,
      sizeLimit,
      multipartUploadId,
      upsert: grant.upsert,
      ...grant.owner,
      contentType: object.contentType,
      cacheControl: object.cacheControl,
      userMetadata: object.userMetadata,
      clientMetadata: upload.metadata ?? {},
      expiresAt: new Date(Date.now() + this.settings.expiresInMs),
    });
    upload.creation_date = this.creationDateOf(created);
    if (created.length === 0) await this.append(created, { body: Readable.from([]), declaredLength: 0 });
    return upload;
  }

  override async getUpload(id: string): Promise<Upload> {
    const upload = await this.settings.uploads.find(id);
    if (!upload) throw ERRORS.FILE_NOT_FOUND;
    return new Upload({
      id,
      offset: upload.offset,
      size: upload.length ?? undefined,
      metadata: upload.clientMetadata,
      creation_date: this.creationDateOf(upload),
    });
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    const upload = await this.settings.uploads.find(id);
    if (!upload) throw ERRORS.FILE_NOT_FOUND;
    if (upload.completedAt !== null || upload.offset !== offset) throw ERRORS.INVALID_OFFSET;
    return this.append(upload, { body: stream, declaredLength: this.declaredLength });
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    if (!(await this.settings.uploads.declareLength(id, length))) throw ERRORS.INVALID_LENGTH;
  }

  override async remove(id: string): Promise<void> {
    const upload = await this.settings.uploads.find(id);
    if (!upload) throw ERRORS.FILE_NOT_FOUND;
    if (upload.completedAt !== null) throw ERRORS.INVALID_TERMINATION;
    const key = uploadBlobKey(this.context, upload);
    await this.context.blobs.abortMultipartUpload(key, upload.multipartUploadId);
    if (upload.tail) await this.context.blobs.delete([upload.tail.key]);
    await this.settings.uploads.remove(id);
  }

  override deleteExpired(): Promise<number> {
    return sweepExpiredUploads(this.context, this.settings.uploads);
  }

  override getExpiration(): number {
    return this.settings.expiresInMs;
  }

  /** tus reckons expiry from the creation date; ours is `expiresAt`, so the two always agree. */
  private creationDateOf(upload: ResumableUpload): string {
    return new Date(upload.expiresAt.getTime() - this.settings.expiresInMs).toISOString();
  }

  /** Stores a request's bytes; with the last one, makes the object. Resolves with the new offset. */
  private async append(upload: ResumableUpload, request: UploadRequest): Promise<number> {
    const { uploads } = this.settings;
    let recorded = upload.offset;
    const key = uploadBlobKey(this.context, upload);
    const written = await writeUploadBytes(this.context.blobs, upload, key, request, async (progress) => {
      if (!(await uploads.recordProgress(upload.id, recorded, progress))) throw ERRORS.INVALID_OFFSET;
      recorded = progress.offset;
    });
    if (written.blob) await this.makeObject(upload, key, written as Required<WrittenBytes>);
    return written.progress.offset;
  }

  /**
   * Writes the object row as a REST upload does, then replaces the previous version. When the row is
   * refused (policies changed, the key was taken meanwhile) the upload cannot finish: it is removed.
   */
  private async makeObject(upload: ResumableUpload, key: string, written: Required<WrittenBytes>) {
    const { context } = this;
    const row: NewObject = {
      bucketId: upload.bucketId,
      name: upload.objectName,
      owner: upload.owner,
      ownerId: upload.ownerId,
      version: upload.version,
      metadata: objectMetadata(upload, written.blob),
      userMetadata: upload.userMetadata,
    };
    let previousVersion: string | null;
    try {
      ({ previousVersion } = await context.metadata.transaction(this.grant.scope, (tx) =>
        writeObjectRow(tx, row, upload.upsert),
      ));
    } catch (error) {
      await context.blobs.delete([key]).catch(() => undefined);
      await this.settings.uploads.remove(upload.id);
      throw error;
    }
    await this.settings.uploads.markCompleted(upload.id, written.progress);
    if (previousVersion !== null && previousVersion !== upload.version) {
      await deleteBlobsOf(context, [
        { bucketId: upload.bucketId, name: upload.objectName, version: previousVersion },
      ]);
    }
  }
}
