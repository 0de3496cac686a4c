import { type RawBuilder, sql } from 'kysely';
import { DIRECTION, NAME, prefixUpperBound } from './key-range';

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
 * A recursive CTE `folders(key, n)` of the folders under a prefix, in key order (`key/`), as a loose index
 * scan: each step is one probe of the (bucket_id, name "C") index that lands on the next folder's first
 * key and then jumps past the whole folder. Folders come from rows the caller may see, so policies hide
 * folders whose every object is hidden. The CTE ends with a row whose key is null.
 */
export function folderScan(scan: FolderScan): RawBuilder<unknown> {
  const { bucketId, prefix, order } = scan;
  const upper = prefixUpperBound(prefix);
  const key = sql`${prefix} || split_part(substr(o.name, length(${prefix}) + 1), '/', 1)`;
  const bounds =
    order === 'asc'
      ? sql`${NAME} >= ${prefix} ${scan.boundary === undefined ? sql`` : sql`and ${NAME} >= ${scan.boundary}`}
            ${upper === null ? sql`` : sql`and ${NAME} < ${upper}`}`
      : sql`${NAME} >= ${prefix} ${scan.boundary === undefined ? sql`` : sql`and ${NAME} < ${scan.boundary}`}
            ${upper === null ? sql`` : sql`and ${NAME} < ${upper}`}`;
  const past = order === 'asc' ? sql`${NAME} >= f.key || '0'` : sql`${NAME} < f.key || '/'`;
  const probe = (extra: RawBuilder<unknown>) => sql`
    select ${key} from storage.objects o
    where o.bucket_id = ${bucketId} and ${bounds} ${extra}
      and strpos(substr(o.name, length(${prefix}) + 1), '/') > 0
    order by ${NAME} ${DIRECTION[order]}
    limit 1`;
  return sql`folders (key, n) as (
    (select (${probe(sql``)}), 1)
    union all
    (select (${probe(sql`and ${past}`)}), f.n + 1 from folders f
     where f.key is not null ${scan.max === undefined ? sql`` : sql`and f.n < ${scan.max}`})
  )`;
}
