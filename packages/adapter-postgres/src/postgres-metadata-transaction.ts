import { randomUUID } from 'node:crypto';
import {
  type Bucket,
  type BucketPatch,
  errors,
  type ListBucketsQuery,
  type ListEntry,
  type ListObjectsQuery,
  type ListObjectsV2Page,
  type ListObjectsV2Query,
  type MetadataTransaction,
  type NewBucket,
  type NewObject,
  type PublicRead,
  type Role,
  type StoredObject,
} from '@stowage/core';
import { type Kysely, sql } from 'kysely';
import { bound } from './bound-statement';
import { statement } from './database-error';
import { listDirectory } from './listing/list-directory';
import { listPage } from './listing/list-page';
import { fileColumns } from './listing/listed-row';
import {
  BUCKET_COLUMNS,
  type BucketRow,
  OBJECT_COLUMNS,
  type ObjectRow,
  toBucket,
  toStoredObject,
} from './rows';
import type { StorageDatabase } from './storage-database';

/** A bucket's public flag with the object's columns beside it, all null when no object was found. */
type PublicObjectRow = { bucket_public: boolean | null } & (ObjectRow | { [K in keyof ObjectRow]: null });

const json = (value: object | null) => (value === null ? null : JSON.stringify(value));
const transactionStart = sql<Date>`now()`.as('now');

/**
 * The statements of one unit of work, all under the caller's role. Inserts do not use RETURNING, which
 * would also demand a SELECT policy: the row is rebuilt from what was written and the transaction's
 * `now()`, which is what the column defaults stamp. The insert sits in a CTE and the statement selects
 * `now()` (a data-modifying CTE without RETURNING demands no SELECT policy either).
 */
export class PostgresMetadataTransaction implements MetadataTransaction {
  constructor(
    private readonly db: Kysely<StorageDatabase>,
    private readonly role: Role,
  ) {}

  async findBucket(id: string): Promise<Bucket | undefined> {
    const compiled = bound('findBucket', { id }, (v) =>
      this.db.selectFrom('storage.buckets').select(BUCKET_COLUMNS).where('id', '=', v.id).compile(),
    );
    const { rows } = await statement(this.db.executeQuery<BucketRow>(compiled));
    const [row] = rows;
    return row && toBucket(row);
  }

  async listBuckets(query: ListBucketsQuery): Promise<Bucket[]> {
    const direction = query.sortOrder ?? 'asc';
    let select = this.db
      .selectFrom('storage.buckets')
      .select(BUCKET_COLUMNS)
      .orderBy(query.sortColumn ?? 'name', direction)
      .orderBy('id', direction)
      .offset(query.offset ?? 0);
    if (query.search) select = select.where(sql<boolean>`strpos(lower(name), lower(${query.search})) > 0`);
    if (query.limit !== undefined) select = select.limit(query.limit);
    return (await statement(select.execute())).map(toBucket);
  }

  async createBucket(bucket: NewBucket): Promise<Bucket> {
    const values = {
      id: bucket.id,
      name: bucket.name,
      owner: bucket.owner,
      owner_id: bucket.ownerId,
      public: bucket.public,
      file_size_limit: bucket.fileSizeLimit,
      allowed_mime_types: bucket.allowedMimeTypes && [...bucket.allowedMimeTypes],
    };
    const { now } = await statement(
      this.db
        .with('inserted', (db) => db.insertInto('storage.buckets').values(values))
        .selectNoFrom(transactionStart)
        .executeTakeFirstOrThrow(),
      { unique: errors.bucketAlreadyExists },
    );
    return { ...bucket, type: 'STANDARD', createdAt: now, updatedAt: now };
  }

  async updateBucket(id: string, patch: BucketPatch): Promise<Bucket | undefined> {
    const changes = {
      ...(patch.public !== undefined && { public: patch.public }),
      ...(patch.fileSizeLimit !== undefined && { file_size_limit: patch.fileSizeLimit }),
      ...(patch.allowedMimeTypes !== undefined && {
        allowed_mime_types: patch.allowedMimeTypes && [...patch.allowedMimeTypes],
      }),
    };
    if (Object.keys(changes).length === 0) return this.findBucket(id);
    const row = await statement(
      this.db
        .updateTable('storage.buckets')
        .set(changes)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    );
    return row && toBucket(row);
  }

  async deleteBucket(id: string): Promise<boolean> {
    const result = await statement(
      this.db.deleteFrom('storage.buckets').where('id', '=', id).executeTakeFirst(),
      {
        foreignKey: errors.resourceNotEmpty,
      },
    );
    return result.numDeletedRows > 0n;
  }

  async findObject(bucketId: string, name: string): Promise<StoredObject | undefined> {
    const compiled = bound('findObject', { bucketId, name }, (v) =>
      this.db
        .selectFrom('storage.objects')
        .select(OBJECT_COLUMNS)
        .where('bucket_id', '=', v.bucketId)
        .where('name', '=', v.name)
        .compile(),
    );
    const { rows } = await statement(
      this.db.executeQuery<ObjectRow>({ ...compiled, parameters: [bucketId, name] }),
    );
    const [row] = rows;
    return row && toStoredObject(row);
  }

  async findPublicObject(bucketId: string, name: string): Promise<PublicRead | undefined> {
    const compiled = bound('findPublicObject', { bucketId, name }, (v) =>
      sql`select b.public as bucket_public, ${fileColumns}
        from storage.buckets b
        left join storage.objects o on b.public and o.bucket_id = b.id and o.name = ${v.name}
        where b.id = ${v.bucketId}`.compile(this.db),
    );
    const { rows } = await statement(this.db.executeQuery<PublicObjectRow>(compiled));
    const [row] = rows;
    if (!row) return undefined;
    return { public: row.bucket_public === true, object: row.id === null ? undefined : toStoredObject(row) };
  }

  async insertObject(object: NewObject): Promise<StoredObject> {
    const id = randomUUID();
    const compiled = bound('insertObject', { id, ...objectValues(object) }, (v) =>
      this.db
        .with('inserted', (db) => db.insertInto('storage.objects').values(v))
        .selectNoFrom(transactionStart)
        .compile(),
    );
    const { rows } = await statement(this.db.executeQuery<{ now: Date }>(compiled), {
      unique: errors.keyAlreadyExists,
      foreignKey: () => errors.noSuchBucket(),
    });
    const [row] = rows;
    if (!row) throw errors.internal('The insert returned no row');
    return { id, ...object, createdAt: row.now, updatedAt: row.now, lastAccessedAt: row.now };
  }

  async upsertObject(object: NewObject): Promise<{ object: StoredObject; previousVersion: string | null }> {
    // `previous` locks the row being replaced (FOR UPDATE waits for a racing writer, then sees its
    // version). The source's WHERE makes Postgres read it before the insert; read afterwards, the row
    // would already be this statement's own update and the lock would skip it.
    const values = { id: randomUUID(), ...objectValues(object) };
    const compiled = bound('upsertObject', values, (v) =>
      sql`
        with previous as (
          select version from storage.objects
          where bucket_id = ${v.bucket_id} and name = ${v.name}
          for update
        )
        insert into storage.objects as o (id, bucket_id, name, owner, owner_id, version, metadata, user_metadata)
        select ${v.id}::uuid, ${v.bucket_id}, ${v.name}, ${v.owner}::uuid, ${v.owner_id}, ${v.version},
               ${v.metadata}::jsonb, ${v.user_metadata}::jsonb
        where (select count(*) from previous) >= 0
        on conflict (bucket_id, name) do update set
          owner = excluded.owner,
          owner_id = excluded.owner_id,
          version = excluded.version,
          metadata = excluded.metadata,
          user_metadata = excluded.user_metadata,
          last_accessed_at = now()
        returning ${fileColumns}, (select version from previous) as previous_version`.compile(this.db),
    );
    const { rows } = await statement(
      this.db.executeQuery<ObjectRow & { previous_version: string | null }>(compiled),
      { foreignKey: () => errors.noSuchBucket() },
    );
    const [row] = rows;
    if (!row) throw errors.internal('The upsert returned no row');
    return { object: toStoredObject(row), previousVersion: row.previous_version };
  }

  async moveObject(
    from: { bucketId: string; name: string },
    to: { bucketId: string; name: string; owner: string | null; ownerId: string | null },
  ): Promise<StoredObject | undefined> {
    const row = await statement(
      this.db
        .updateTable('storage.objects')
        .set({ bucket_id: to.bucketId, name: to.name, owner: to.owner, owner_id: to.ownerId })
        .where('bucket_id', '=', from.bucketId)
        .where('name', '=', from.name)
        .returning(OBJECT_COLUMNS)
        .executeTakeFirst(),
      { unique: errors.resourceAlreadyExists, foreignKey: () => errors.noSuchBucket() },
    );
    return row && toStoredObject(row);
  }

  async findObjectNames(bucketId: string, names: readonly string[]): Promise<Set<string>> {
    const compiled = bound('findObjectNames', { bucketId, names: [...names] }, (v) =>
      this.db
        .selectFrom('storage.objects')
        .select('name')
        .where('bucket_id', '=', v.bucketId)
        .where('name', '=', sql<string>`any(${v.names})`)
        .compile(),
    );
    const { rows } = await statement(this.db.executeQuery<{ name: string }>(compiled));
    return new Set(rows.map((row) => row.name));
  }

  async deleteObjects(bucketId: string, names: readonly string[]): Promise<StoredObject[]> {
    if (names.length === 0) return [];
    const compiled = bound('deleteObjects', { bucketId, names: [...names] }, (v) =>
      this.db
        .deleteFrom('storage.objects')
        .where('bucket_id', '=', v.bucketId)
        .where('name', '=', sql<string>`any(${v.names})`)
        .returning(OBJECT_COLUMNS)
        .compile(),
    );
    const { rows } = await statement(this.db.executeQuery<ObjectRow>(compiled));
    return rows.map(toStoredObject);
  }

  async deleteObjectBatch(bucketId: string, limit: number): Promise<StoredObject[]> {
    const rows = await statement(
      this.db
        .deleteFrom('storage.objects')
        .where('id', 'in', (db) =>
          db.selectFrom('storage.objects').select('id').where('bucket_id', '=', bucketId).limit(limit),
        )
        .returning(OBJECT_COLUMNS)
        .execute(),
    );
    return rows.map(toStoredObject);
  }

  async bucketHasObjects(bucketId: string): Promise<boolean> {
    // Rows hidden from the caller count too: ask as the session's own user for this one statement.
    await statement(sql`select set_config('role', 'none', true)`.execute(this.db));
    const row = await statement(
      this.db
        .selectNoFrom((db) =>
          db
            .exists(db.selectFrom('storage.objects').select('id').where('bucket_id', '=', bucketId))
            .as('found'),
        )
        .executeTakeFirstOrThrow(),
    );
    await statement(sql`select set_config('role', ${this.role}, true)`.execute(this.db));
    return Boolean(row.found);
  }

  listObjects(query: ListObjectsQuery): Promise<ListEntry[]> {
    return statement(listDirectory(this.db, query));
  }

  listObjectsV2(query: ListObjectsV2Query): Promise<ListObjectsV2Page> {
    return statement(listPage(this.db, query));
  }
}

function objectValues(object: NewObject) {
  return {
    bucket_id: object.bucketId,
    name: object.name,
    owner: object.owner,
    owner_id: object.ownerId,
    version: object.version,
    metadata: json(object.metadata),
    user_metadata: json(object.userMetadata),
  };
}
