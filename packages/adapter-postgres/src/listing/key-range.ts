import { type RawBuilder, sql } from 'kysely';

/** An object's name under byte order, where a key range is exactly a prefix match. */
export const NAME = sql`o.name collate "C"`;

/**
 * The least string greater than every string starting with `prefix`, in code point order (which is
 * byte order of UTF-8, i.e. `COLLATE "C"`); `null` when there is none (an empty prefix). So keys starting
 * with `prefix` are exactly those in [prefix, bound), with no LIKE pattern to escape.
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()?.codePointAt(0) ?? 0x10ffff;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return null;
}

/** `o.name` starts with `prefix`, as an index range. */
export function startsWith(prefix: string): RawBuilder<boolean> {
  const bound = prefixUpperBound(prefix);
  return bound === null
    ? sql<boolean>`${NAME} >= ${prefix}`
    : sql<boolean>`${NAME} >= ${prefix} and ${NAME} < ${bound}`;
}

/** The number of path segments of the keys directly under `prefix` (the index's depth column). */
export const depthUnder = (prefix: string): number => prefix.split('/').length;

/** Keys directly under `prefix`: in its range, at its depth. */
export const directlyUnder = (prefix: string): RawBuilder<boolean> =>
  sql<boolean>`o.stowage_depth = ${depthUnder(prefix)} and ${startsWith(prefix)}`;

export const DIRECTION = { asc: sql`asc`, desc: sql`desc` } as const;
