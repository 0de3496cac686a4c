import type {
  ListMultipartUploadsQuery,
  MultipartUpload,
  MultipartUploadStore,
  NewMultipartUpload,
  UploadedPart,
  UploadLock,
  UploadLockOptions,
} from '@stowage/core';
import { type Selectable, sql } from 'kysely';
import type { AdvisoryUploadLocks } from './advisory-upload-locks';
import { statement } from './database-error';
import type { RunStatements } from './postgres-resumable-upload-store';
import type { MultipartUploadsTable } from './storage-database';

type UploadRow = Selectable<MultipartUploadsTable>;

const toUpload = (row: UploadRow): MultipartUpload => {
  const metadata = (row.metadata ?? {}) as { mimetype?: string; cacheControl?: string };
  return {
    id: row.id,
    bucketId: row.bucket_id,
    key: row.key,
    version: row.version,
    ownerId: row.owner_id,
    contentType: metadata.mimetype ?? 'application/octet-stream',
    cacheControl: metadata.cacheControl ?? 'no-cache',
    userMetadata: row.user_metadata,
    createdAt: row.created_at,
  };
};

/**
 * Multipart uploads in `storage.s3_multipart_uploads` and `…_parts`, the tables the reference server
 * keeps them in: the service's own bookkeeping, so statements run on the store's connection, not under a
 * caller's role. Saving a part is one transaction; everything else one statement. Locks are advisory
 * locks, shared with resumable uploads under names of their own.
 */
export class PostgresMultipartUploadStore implements MultipartUploadStore {
  constructor(
    private readonly run: RunStatements,
    private readonly locks: AdvisoryUploadLocks,
  ) {}

  create(upload: NewMultipartUpload): Promise<MultipartUpload> {
    return this.run(async (db) => {
      const row = await statement(
        db
          .insertInto('storage.s3_multipart_uploads')
          .values({
            id: upload.id,
            upload_signature: '',
            bucket_id: upload.bucketId,
            key: upload.key,
            version: upload.version,
            owner_id: upload.ownerId,
            user_metadata: upload.userMetadata === null ? null : JSON.stringify(upload.userMetadata),
            metadata: JSON.stringify({ mimetype: upload.contentType, cacheControl: upload.cacheControl }),
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toUpload(row);
    });
  }

  find(id: string): Promise<MultipartUpload | undefined> {
    return this.run(async (db) => {
      const row = await statement(
        db.selectFrom('storage.s3_multipart_uploads').selectAll().where('id', '=', id).executeTakeFirst(),
      );
      return row && toUpload(row);
    });
  }

  savePart(uploadId: string, part: Omit<UploadedPart, 'lastModified'>): Promise<void> {
    return this.run((pool) =>
      pool.transaction().execute(async (db) => {
        const upload = await statement(
          db
            .selectFrom('storage.s3_multipart_uploads')
            .select(['bucket_id', 'key', 'version', 'owner_id'])
            .where('id', '=', uploadId)
            .forUpdate()
            .executeTakeFirst(),
        );
        if (!upload) return;
        await statement(
          db
            .deleteFrom('storage.s3_multipart_uploads_parts')
            .where('upload_id', '=', uploadId)
            .where('part_number', '=', part.partNumber)
            .execute(),
        );
        await statement(
          db
            .insertInto('storage.s3_multipart_uploads_parts')
            .values({
              upload_id: uploadId,
              part_number: part.partNumber,
              size: part.size,
              etag: part.etag,
              ...upload,
            })
            .execute(),
        );
        await statement(
          db
            .updateTable('storage.s3_multipart_uploads')
            .set({
              in_progress_size: sql<number>`(select coalesce(sum(size), 0) from storage.s3_multipart_uploads_parts
              where upload_id = ${uploadId})`,
            })
            .where('id', '=', uploadId)
            .execute(),
        );
      }),
    );
  }

  listParts(uploadId: string, afterPartNumber: number, limit: number): Promise<UploadedPart[]> {
    return this.run(async (db) => {
      const rows = await statement(
        db
          .selectFrom('storage.s3_multipart_uploads_parts')
          .select(['part_number', 'etag', 'size', 'created_at'])
          .where('upload_id', '=', uploadId)
          .where('part_number', '>', afterPartNumber)
          .orderBy('part_number')
          .limit(limit)
          .execute(),
      );
      return rows.map((row) => ({
        partNumber: row.part_number,
        etag: row.etag,
        size: Number(row.size),
        lastModified: row.created_at,
      }));
    });
  }

  listUploads(query: ListMultipartUploadsQuery): Promise<MultipartUpload[]> {
    return this.run(async (db) => {
      let select = db
        .selectFrom('storage.s3_multipart_uploads')
        .selectAll()
        .where('bucket_id', '=', query.bucketId)
        .where(sql<boolean>`starts_with(key, ${query.prefix})`)
        .orderBy(sql`key collate "C"`)
        .orderBy('id')
        .limit(query.limit);
      const { keyMarker, uploadIdMarker } = query;
      if (keyMarker !== undefined) {
        select =
          uploadIdMarker === undefined
            ? select.where(sql<boolean>`key collate "C" > ${keyMarker}`)
            : select.where(sql<boolean>`(key collate "C", id) > (${keyMarker}, ${uploadIdMarker})`);
      }
      if (query.ownerId !== undefined) {
        select =
          query.ownerId === null
            ? select.where('owner_id', 'is', null)
            : select.where('owner_id', '=', query.ownerId);
      }
      return (await statement(select.execute())).map(toUpload);
    });
  }

  delete(id: string): Promise<boolean> {
    return this.run(async (db) => {
      const deleted = await statement(
        db.deleteFrom('storage.s3_multipart_uploads').where('id', '=', id).executeTakeFirst(),
      );
      return Number(deleted.numDeletedRows) > 0;
    });
  }

  lock(id: string, options: UploadLockOptions): Promise<UploadLock> {
    return this.locks.lock(`s3-multipart:${id}`, options);
  }
}
