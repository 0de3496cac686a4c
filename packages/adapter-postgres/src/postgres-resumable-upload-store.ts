import {
  errors,
  type NewResumableUpload,
  type ResumableUpload,
  type ResumableUploadStore,
  type StoredPart,
  type UploadLock,
  type UploadLockOptions,
  type UploadProgress,
} from '@stowage/core';
import type { Kysely, Selectable } from 'kysely';
import type { AdvisoryUploadLocks } from './advisory-upload-locks';
import { statement } from './database-error';
import type { ResumableUploadsTable, StorageDatabase } from './storage-database';

/** Runs statements on the database when it is this store's turn (PGlite has a single connection). */
export type RunStatements = <T>(work: (db: Kysely<StorageDatabase>) => Promise<T>) => Promise<T>;

const TABLE = 'storage.resumable_uploads';

const toUpload = (row: Selectable<ResumableUploadsTable>): ResumableUpload => ({
  id: row.id,
  bucketId: row.bucket_id,
  objectName: row.object_name,
  version: row.version,
  length: row.upload_length === null ? null : Number(row.upload_length),
  sizeLimit: row.size_limit === null ? null : Number(row.size_limit),
  multipartUploadId: row.multipart_upload_id,
  upsert: row.upsert,
  owner: row.owner,
  ownerId: row.owner_id,
  contentType: row.content_type,
  cacheControl: row.cache_control,
  userMetadata: row.user_metadata,
  clientMetadata: row.client_metadata,
  expiresAt: row.expires_at,
  createdAt: row.created_at,
  completedAt: row.completed_at,
  offset: Number(row.upload_offset),
  parts: row.parts as StoredPart[],
  tail: row.tail_key === null ? null : { key: row.tail_key, size: Number(row.tail_size) },
  md5State: row.md5_state === null ? null : new Uint8Array(row.md5_state),
});

const progressColumns = (progress: UploadProgress) => ({
  upload_offset: progress.offset,
  parts: JSON.stringify(progress.parts),
  tail_key: progress.tail?.key ?? null,
  tail_size: progress.tail?.size ?? 0,
  md5_state: progress.md5State === null ? null : Buffer.from(progress.md5State),
});

/**
 * Resumable uploads' state in `storage.resumable_uploads`, read and written as the server itself (never
 * under a caller's role), with locks on Postgres advisory locks.
 */
export class PostgresResumableUploadStore implements ResumableUploadStore {
  constructor(
    private readonly run: RunStatements,
    private readonly locks: AdvisoryUploadLocks,
  ) {}

  async create(upload: NewResumableUpload): Promise<ResumableUpload> {
    const row = await this.run((db) =>
      statement(
        db
          .insertInto(TABLE)
          .values({
            id: upload.id,
            bucket_id: upload.bucketId,
            object_name: upload.objectName,
            version: upload.version,
            upload_length: upload.length,
            size_limit: upload.sizeLimit,
            multipart_upload_id: upload.multipartUploadId,
            upsert: upload.upsert,
            owner: upload.owner,
            owner_id: upload.ownerId,
            content_type: upload.contentType,
            cache_control: upload.cacheControl,
            user_metadata: upload.userMetadata === null ? null : JSON.stringify(upload.userMetadata),
            client_metadata: JSON.stringify(upload.clientMetadata),
            expires_at: upload.expiresAt,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
        { unique: errors.resourceAlreadyExists },
      ),
    );
    return toUpload(row);
  }

  async find(id: string): Promise<ResumableUpload | undefined> {
    const row = await this.run((db) =>
      statement(db.selectFrom(TABLE).selectAll().where('id', '=', id).executeTakeFirst()),
    );
    return row && toUpload(row);
  }

  async recordProgress(id: string, fromOffset: number, progress: UploadProgress): Promise<boolean> {
    const result = await this.run((db) =>
      statement(
        db
          .updateTable(TABLE)
          .set(progressColumns(progress))
          .where('id', '=', id)
          .where('upload_offset', '=', fromOffset)
          .where('completed_at', 'is', null)
          .executeTakeFirst(),
      ),
    );
    return result.numUpdatedRows > 0n;
  }

  async declareLength(id: string, length: number): Promise<boolean> {
    const result = await this.run((db) =>
      statement(
        db
          .updateTable(TABLE)
          .set({ upload_length: length })
          .where('id', '=', id)
          .where('upload_length', 'is', null)
          .executeTakeFirst(),
      ),
    );
    return result.numUpdatedRows > 0n;
  }

  async markCompleted(id: string, progress: UploadProgress): Promise<void> {
    await this.run((db) =>
      statement(
        db
          .updateTable(TABLE)
          .set({ ...progressColumns(progress), completed_at: new Date() })
          .where('id', '=', id)
          .execute(),
      ),
    );
  }

  async remove(id: string): Promise<void> {
    await this.run((db) => statement(db.deleteFrom(TABLE).where('id', '=', id).execute()));
  }

  async listExpired(now: Date, limit: number): Promise<ResumableUpload[]> {
    const rows = await this.run((db) =>
      statement(
        db
          .selectFrom(TABLE)
          .selectAll()
          .where('expires_at', '<', now)
          .orderBy('expires_at')
          .limit(limit)
          .execute(),
      ),
    );
    return rows.map(toUpload);
  }

  lock(id: string, options: UploadLockOptions): Promise<UploadLock> {
    return this.locks.lock(id, options);
  }
}
