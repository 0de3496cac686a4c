import { errors, type ListObjectsV2Query } from '@stowage/core';

type Sort = ListObjectsV2Query['sortBy'];

/**
 * Where the next v2 page starts, relative to the last entry of the previous one (a position, not an
 * offset, so rows inserted meanwhile neither repeat nor hide entries). By name: a key boundary (asc: keys
 * at or after it; desc: keys before it). By date: still among the folders (a key boundary), or among the
 * files after a (time, name) pair; times are kept as text to keep Postgres's microseconds.
 */
export type PagePosition =
  | { readonly boundary: string; readonly at?: undefined }
  | { readonly at: string; readonly name: string; readonly boundary?: undefined };

interface Encoded {
  readonly sort: string;
  readonly position: PagePosition;
}

export function encodeCursor(sort: Sort, position: PagePosition): string {
  const encoded: Encoded = { sort: `${sort.column}:${sort.order}`, position };
  return Buffer.from(JSON.stringify(encoded)).toString('base64url');
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const isKey = (value: unknown): value is string => typeof value === 'string' && !value.includes('\u0000');

/** Reads a cursor made by `encodeCursor` for the same sort; anything else is an InvalidRequest. */
export function decodeCursor(cursor: string, sort: Sort): PagePosition {
  let decoded: { sort?: unknown; position?: Record<string, unknown> } | null;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  const { boundary, at, name } = decoded?.position ?? {};
  if (decoded?.sort === `${sort.column}:${sort.order}`) {
    if (isKey(boundary)) return { boundary };
    if (sort.column !== 'name' && typeof at === 'string' && TIME.test(at) && isKey(name)) return { at, name };
  }
  throw errors.invalidRequest('Invalid cursor');
}
