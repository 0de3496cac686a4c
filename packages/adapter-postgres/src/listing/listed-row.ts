import { sql } from 'kysely';
import { OBJECT_COLUMNS } from '../rows';

/** The object columns every read returns, of the row `o`. */
export const fileColumns = sql.join(OBJECT_COLUMNS.map((column) => sql.ref(`o.${column}`)));

/** The same columns, as a listing's outer query selects them from its entries. */
export const entryColumns = sql.join(OBJECT_COLUMNS.map((column) => sql.ref(column)));

/** Listing sort columns, as references (never text from the request). */
export const SORT_COLUMN = {
  name: sql`o.name collate "C"`,
  created_at: sql`o.created_at`,
  updated_at: sql`o.updated_at`,
  last_accessed_at: sql`o.last_accessed_at`,
} as const;
