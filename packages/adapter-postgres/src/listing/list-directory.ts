import type { ListEntry, ListedObject, ListObjectsQuery } from '@stowage/core';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { GENERIC_PLAN } from '../apply-scope';
import type { ObjectRow } from '../rows';
import type { StorageDatabase } from '../storage-database';
import { folderScan } from './folder-scan';
import { DIRECTION, directlyUnder, NAME } from './key-range';
import { fileColumns, SORT_COLUMN } from './listed-row';

type DirectoryRow = { part: 0 | 1; key: string } & Partial<
  Pick<ObjectRow, 'id' | 'metadata' | 'created_at' | 'updated_at' | 'last_accessed_at'>
>;

/**
 * List v1 in one query: the folders directly under the prefix first (in key order), then its files by the
 * sort column, `limit` entries from `offset`. Folders come from a loose index scan that stops as soon as
 * enough are found; files from the (bucket, depth, name) index. The search keeps names (relative to the
 * prefix) that start with it, case-insensitively and literally.
 */
export async function listDirectory(
  db: Kysely<StorageDatabase>,
  query: ListObjectsQuery,
): Promise<ListEntry[]> {
  const prefix = folderOf(query.prefix);
  const { rows } = await directoryQuery(query).execute(db);
  return rows.map((row) => ({
    name: row.key.slice(prefix.length),
    object: row.part === 1 ? toListedObject(row as Required<DirectoryRow>) : null,
  }));
}

const toListedObject = (row: Required<DirectoryRow>): ListedObject => ({
  id: row.id,
  name: row.key,
  metadata: row.metadata,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  lastAccessedAt: row.last_accessed_at,
});

/** `docs` and `docs/` both mean the folder `docs/`; `''` is the root. */
const folderOf = (prefix: string) => (prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`);

/** The v1 listing statement, with every value bound. */
export function directoryQuery(query: ListObjectsQuery): RawBuilder<DirectoryRow> {
  const prefix = folderOf(query.prefix);
  const { column, order } = query.sortBy;
  const wanted = query.offset + query.limit;
  const search = query.search ?? '';
  const matches = (name: ReturnType<typeof sql>) =>
    search === ''
      ? sql``
      : sql`and starts_with(lower(substr(${name}, length(${prefix}) + 1)), lower(${search}))`;
  const fileOrder = sql`${SORT_COLUMN[column]} ${DIRECTION[order]}, ${NAME} ${DIRECTION[order]}`;

  return sql<DirectoryRow>`${sql.raw(GENERIC_PLAN)}
    with recursive ${folderScan({
      bucketId: query.bucketId,
      prefix,
      order,
      // A search filters folders after the scan, so it must see them all.
      ...(search === '' && { max: wanted }),
    })},
    files as (
      select ${fileColumns}, row_number() over (order by ${fileOrder}) as n
      from (
        select ${fileColumns} from storage.objects o
        where o.bucket_id = ${query.bucketId} and ${directlyUnder(prefix)} ${matches(sql`o.name`)}
        order by ${fileOrder}
        limit ${wanted}
      ) o
    )
    select part, n, key, id, metadata, created_at, updated_at, last_accessed_at from (
      select 0 as part, f.n, f.key, null::uuid as id, null::jsonb as metadata, null::timestamptz as created_at,
             null::timestamptz as updated_at, null::timestamptz as last_accessed_at
      from folders f
      where f.key is not null ${matches(sql`f.key`)}
      union all
      select 1 as part, files.n, files.name as key, files.id, files.metadata, files.created_at,
             files.updated_at, files.last_accessed_at
      from files
    ) entries
    order by part, n
    offset ${query.offset}
    limit ${query.limit}`;
}
