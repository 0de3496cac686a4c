import type {
  ListEntry,
  ListedObject,
  ListObjectsQuery,
  ListObjectsV2Page,
  ListObjectsV2Query,
  ObjectSortColumn,
  StoredObject,
} from '../domain/stored-object';
import { errors } from '../errors';

/**
 * Orders strings by Unicode code point, as Postgres does under `COLLATE "C"` (JavaScript's `<` compares
 * UTF-16 units, which puts U+E000–U+FFFF after the astral planes).
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const codePointRank = (unit: number) =>
  unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit;

const dateOf = (object: StoredObject, column: Exclude<ObjectSortColumn, 'name'>): number =>
  (column === 'created_at'
    ? object.createdAt
    : column === 'updated_at'
      ? object.updatedAt
      : object.lastAccessedAt
  ).getTime();

/** The fields of a `ListedObject`, picked from a whole row. */
export const listedObject = (object: StoredObject): ListedObject => ({
  id: object.id,
  name: object.name,
  metadata: object.metadata,
  createdAt: object.createdAt,
  updatedAt: object.updatedAt,
  lastAccessedAt: object.lastAccessedAt,
});

/** List v1 over rows already narrowed to what the caller may see. */
export function listDirectory(objects: Iterable<StoredObject>, query: ListObjectsQuery): ListEntry[] {
  const prefix = query.prefix === '' || query.prefix.endsWith('/') ? query.prefix : `${query.prefix}/`;
  const search = query.search?.toLowerCase() ?? '';
  const folders = new Set<string>();
  const files: StoredObject[] = [];
  for (const object of objects) {
    if (object.bucketId !== query.bucketId || !object.name.startsWith(prefix)) continue;
    const rest = object.name.slice(prefix.length);
    const slash = rest.indexOf('/');
    const name = slash === -1 ? rest : rest.slice(0, slash);
    if (!name.toLowerCase().startsWith(search)) continue;
    if (slash === -1) files.push(object);
    else folders.add(name);
  }
  const { column, order } = query.sortBy;
  const direction = order === 'asc' ? 1 : -1;
  const byName = (a: StoredObject, b: StoredObject) => compareCodePoints(a.name, b.name);
  const byColumn =
    column === 'name'
      ? byName
      : (a: StoredObject, b: StoredObject) => dateOf(a, column) - dateOf(b, column) || byName(a, b);
  const entries: ListEntry[] = [
    ...[...folders]
      .sort((a, b) => direction * compareCodePoints(`${a}/`, `${b}/`))
      .map((name) => ({ name, object: null })),
    ...files
      .sort((a, b) => direction * byColumn(a, b))
      .map((object) => ({ name: object.name.slice(prefix.length), object: listedObject(object) })),
  ];
  return entries.slice(query.offset, query.offset + query.limit);
}

/** A v2 entry's place in the listing order; the cursor is the place of a page's last entry. */
interface Place {
  readonly folder: boolean;
  readonly key: string;
  readonly at: number;
}

/** List v2 over rows already narrowed to what the caller may see. */
export function listPage(objects: Iterable<StoredObject>, query: ListObjectsV2Query): ListObjectsV2Page {
  const { column, order } = query.sortBy;
  const direction = order === 'asc' ? 1 : -1;
  const compare = (a: Place, b: Place): number => {
    if (column === 'name') return direction * compareCodePoints(sortKey(a), sortKey(b));
    if (a.folder !== b.folder) return a.folder ? -1 : 1;
    return direction * (a.at - b.at || compareCodePoints(sortKey(a), sortKey(b)));
  };

  const entries = new Map<string, Place & { object?: StoredObject }>();
  const { startAfter } = query;
  const sort = `${column}:${order}`;
  const skipped = (name: string) =>
    startAfter !== undefined &&
    sort === 'name:asc' &&
    (compareCodePoints(name, startAfter) <= 0 ||
      (query.withDelimiter && startAfter.endsWith('/') && name.startsWith(startAfter)));
  for (const object of objects) {
    if (object.bucketId !== query.bucketId || !object.name.startsWith(query.prefix)) continue;
    if (query.cursor === undefined && skipped(object.name)) continue;
    const slash = query.withDelimiter ? object.name.indexOf('/', query.prefix.length) : -1;
    if (slash === -1) {
      const at = column === 'name' ? 0 : dateOf(object, column);
      entries.set(`o:${object.name}`, { folder: false, key: object.name, at, object });
    } else {
      const key = object.name.slice(0, slash);
      entries.set(`f:${key}`, { folder: true, key, at: 0 });
    }
  }
  const after = query.cursor === undefined ? undefined : parseCursor(query.cursor, sort);
  const sorted = [...entries.values()]
    .filter((entry) => after === undefined || compare(entry, after) > 0)
    .sort(compare);
  const page = sorted.slice(0, query.limit);
  const last = page.at(-1);
  return {
    folders: page.filter((entry) => entry.folder).map((entry) => entry.key),
    objects: page.flatMap((entry) => (entry.object ? [entry.object] : [])),
    ...(sorted.length > query.limit &&
      last && { nextCursor: JSON.stringify([sort, last.folder, last.key, last.at]) }),
  };
}

const sortKey = (place: Place) => (place.folder ? `${place.key}/` : place.key);

/** A cursor of this double's own making, for the same sort. */
function parseCursor(cursor: string, sort: string): Place {
  try {
    const [madeFor, folder, key, at] = JSON.parse(cursor);
    if (madeFor === sort && typeof folder === 'boolean' && typeof key === 'string' && typeof at === 'number')
      return { folder, key, at };
  } catch {
    // falls through to the refusal below
  }
  throw errors.invalidRequest('Invalid cursor');
}
