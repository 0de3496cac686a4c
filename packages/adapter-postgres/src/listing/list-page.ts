import type { ListObjectsV2Page, ListObjectsV2Query } from '@stowage/core';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { GENERIC_PLAN } from '../apply-scope';
import { type ObjectRow, toStoredObject } from '../rows';
import type { StorageDatabase } from '../storage-database';
import { folderScan } from './folder-scan';
import { DIRECTION, directlyUnder, NAME, startsWith } from './key-range';
import { entryColumns, fileColumns, SORT_COLUMN } from './listed-row';
import { decodeCursor, encodeCursor, type PagePosition } from './page-cursor';

type PageRow = { part: 0 | 1; key: string; sort_at: string | null } & Partial<ObjectRow>;

const NO_OBJECT = sql`null::uuid as id, null as bucket_id, null as name, null::uuid as owner, null as owner_id,
  null as version, null::jsonb as metadata, null::jsonb as user_metadata, null::timestamptz as created_at,
  null::timestamptz as updated_at, null::timestamptz as last_accessed_at`;

/**
 * List v2 in one query: the keys under a prefix after the cursor, `limit` of them, one more fetched to
 * know whether a next page exists. With the delimiter, keys are rolled up into folders at the next `/`
 * (a loose index scan) and only the files directly under the prefix are read (the depth index). By name,
 * folders and files interleave in key order (a folder sorts as `key/`, as S3's common prefixes do); by
 * date, folders come first in key order, then files by (date, name).
 */
export async function listPage(
  db: Kysely<StorageDatabase>,
  query: ListObjectsV2Query,
): Promise<ListObjectsV2Page> {
  const { rows } = await pageQuery(query).execute(db);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    folders: page.filter((row) => row.part === 0).map((row) => row.key),
    objects: page.filter((row) => row.part === 1).map((row) => toStoredObject(row as ObjectRow)),
    ...(rows.length > query.limit &&
      last && { nextCursor: encodeCursor(query.sortBy, positionAfter(query, last)) }),
  };
}

/** The v2 listing statement (one row more than the page), with every value bound. */
export function pageQuery(query: ListObjectsV2Query): RawBuilder<PageRow> {
  const { bucketId, prefix, limit, withDelimiter } = query;
  const { column, order } = query.sortBy;
  const position =
    query.cursor !== undefined ? decodeCursor(query.cursor, query.sortBy) : startAfterPosition(query);
  const byName = column === 'name';
  const withFolders = withDelimiter && (byName || position?.at === undefined);
  const direction = DIRECTION[order];
  const fileOrder = sql`${SORT_COLUMN[column]} ${direction}, ${NAME} ${direction}`;

  const folders = withFolders
    ? sql`${folderScan({ bucketId, prefix, order, boundary: position?.boundary, max: limit + 1 })},`
    : sql``;
  const folderRows = withFolders
    ? sql`select 0 as part, f.n, f.key, f.key || '/' as sort_key, null as sort_at, ${NO_OBJECT}
          from folders f where f.key is not null union all`
    : sql``;
  const sortAt = byName
    ? sql`null`
    : sql`to_char(${SORT_COLUMN[column]} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

  return sql<PageRow>`${sql.raw(GENERIC_PLAN)}
    with recursive ${folders}
    files as (
      select ${fileColumns}, ${sortAt} as sort_at, row_number() over (order by ${fileOrder}) as n
      from (
        select ${fileColumns} from storage.objects o
        where o.bucket_id = ${bucketId}
          and ${withDelimiter ? directlyUnder(prefix) : startsWith(prefix)}
          and ${filesAfter(query, position)}
        order by ${fileOrder}
        limit ${limit + 1}
      ) o
    )
    select part, n, key, sort_key, sort_at, ${entryColumns} from (
      ${folderRows}
      select 1 as part, files.n, files.name as key, files.name as sort_key, files.sort_at, files.id,
             files.bucket_id, files.name, files.owner, files.owner_id, files.version, files.metadata,
             files.user_metadata, files.created_at, files.updated_at, files.last_accessed_at
      from files
    ) entries
    order by ${byName ? sql`sort_key collate "C" ${direction}` : sql`part, n`}
    limit ${limit + 1}`;
}

/**
 * Where a listing that starts after a key begins: just past it, or, for a folder with the delimiter, past
 * all of it (`docs/` becomes `docs0`, the least key after every `docs/…`). Keys hold no control
 * characters, so `\u0001` appended is the least key after one.
 */
function startAfterPosition(query: ListObjectsV2Query): PagePosition | undefined {
  const { startAfter } = query;
  if (startAfter === undefined || query.sortBy.column !== 'name' || query.sortBy.order !== 'asc') {
    return undefined;
  }
  if (query.withDelimiter && startAfter.endsWith('/')) return { boundary: `${startAfter.slice(0, -1)}0` };
  return { boundary: `${startAfter}\u0001` };
}

/** Files past the cursor. A cursor still among the folders (by date) leaves every file to come. */
function filesAfter(query: ListObjectsV2Query, position: PagePosition | undefined): RawBuilder<unknown> {
  const asc = query.sortBy.order === 'asc';
  if (position?.at !== undefined) {
    const column = SORT_COLUMN[query.sortBy.column];
    const pair = sql`(${column}, ${NAME})`;
    const cursor = sql`(${position.at}::timestamptz, ${position.name}::text)`;
    return asc ? sql`${pair} > ${cursor}` : sql`${pair} < ${cursor}`;
  }
  if (position?.boundary !== undefined && query.sortBy.column === 'name') {
    return asc ? sql`${NAME} >= ${position.boundary}` : sql`${NAME} < ${position.boundary}`;
  }
  return sql`true`;
}

/** Where the page after `last` starts: past the folder's keys, just past the file, or after its date. */
function positionAfter(query: ListObjectsV2Query, last: PageRow): PagePosition {
  const asc = query.sortBy.order === 'asc';
  if (last.part === 0) return { boundary: `${last.key}${asc ? '0' : '/'}` };
  if (query.sortBy.column === 'name' || last.sort_at === null) {
    return { boundary: asc ? `${last.key}\u0001` : last.key };
  }
  return { at: last.sort_at, name: last.key };
}
