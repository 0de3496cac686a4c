import { type RawBuilder, sql } from 'kysely';
import { DIRECTION, depthUnder, NAME, prefixUpperBound } from './key-range';

export interface FolderScan {
  readonly bucketId: string;
  /** Folders are the next path segment after this prefix. */
  readonly prefix: string;
  readonly order: 'asc' | 'desc';
  /** Where to start: asc, keys at or after it; desc, keys before it. */
  readonly boundary?: string;
  /** Stop after this many folders. */
  readonly max?: number;
}

/**
 * Two CTEs: `folder_depth(deepest)`, the most path segments of any key in the bucket, and a recursive
 * `folders(key, n)` of the folders under a prefix, in key order (`key/`). Each step probes every depth
 * below the prefix's files once, by the (bucket_id, stowage_depth, name "C") index, for its first key past
 * the last folder, and takes the least of them: so a step never reads the files directly under the
 * prefix, nor the rest of a folder it found. Folders come from rows the caller may see, so policies hide
 * folders whose every object is hidden. The CTE ends with a row whose key is null.
 */
export function folderScan(scan: FolderScan): RawBuilder<unknown> {
  const { bucketId, prefix, order } = scan;
  const upper = prefixUpperBound(prefix);
  const bounds =
    order === 'asc'
      ? sql`${NAME} >= ${prefix} ${scan.boundary === undefined ? sql`` : sql`and ${NAME} >= ${scan.boundary}`}
            ${upper === null ? sql`` : sql`and ${NAME} < ${upper}`}`
      : sql`${NAME} >= ${prefix} ${scan.boundary === undefined ? sql`` : sql`and ${NAME} < ${scan.boundary}`}
            ${upper === null ? sql`` : sql`and ${NAME} < ${upper}`}`;
  const past = order === 'asc' ? sql`${NAME} >= f.key || '0'` : sql`${NAME} < f.key || '/'`;
  const first = order === 'asc' ? sql`min` : sql`max`;
  const probe = (extra: RawBuilder<unknown>) => sql`
    select ${prefix} || split_part(substr(first.name, length(${prefix}) + 1), '/', 1) from (
      select ${first}(probe.name collate "C") as name
      from generate_series(${depthUnder(prefix) + 1}, (select deepest from folder_depth)) as d (depth),
      lateral (
        select o.name from storage.objects o
        where o.bucket_id = ${bucketId} and o.stowage_depth = d.depth and ${bounds} ${extra}
        order by ${NAME} ${DIRECTION[order]}
        limit 1
      ) probe
    ) first`;
  // Not max(): a generic plan made while the table looked empty would compute it over the whole bucket.
  return sql`folder_depth (deepest) as (
    select o.stowage_depth from storage.objects o
    where o.bucket_id = ${bucketId} and o.stowage_depth is not null
    order by o.stowage_depth desc
    limit 1
  ),
  folders (key, n) as (
    (select (${probe(sql``)}), 1)
    union all
    (select (${probe(sql`and ${past}`)}), f.n + 1 from folders f
     where f.key is not null ${scan.max === undefined ? sql`` : sql`and f.n < ${scan.max}`})
  )`;
}
