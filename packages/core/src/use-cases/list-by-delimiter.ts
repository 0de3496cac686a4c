import { assertBucketName } from '../domain/bucket-name';
import type { Scope } from '../domain/caller';
import type { StoredObject } from '../domain/stored-object';
import type { MetadataTransaction } from '../ports/metadata-store';
import type { StorageContext } from './storage-context';

export interface ListByDelimiterQuery {
  readonly bucketId: string;
  readonly prefix: string;
  /** Any non-empty string; keys are rolled up at its first occurrence after the prefix. */
  readonly delimiter: string;
  readonly limit: number;
  /** Entries after this key or common prefix (S3's marker, start-after, or a previous page's `last`). */
  readonly startAfter?: string;
}

export interface ListByDelimiterPage {
  readonly objects: readonly StoredObject[];
  /** Each with its trailing delimiter, e.g. `2024|` for the delimiter `|`. */
  readonly commonPrefixes: readonly string[];
  /** The last entry (key or common prefix) of a truncated page, where the next one starts after. */
  readonly last?: string;
}

/** Greater than any code point: `<prefix><MAX>` sorts after every key of the prefix but a few, skipped. */
const MAX = '\u{10FFFF}';

/**
 * A page of S3's listing with any delimiter, in key order, objects and common prefixes counting alike
 * toward the limit. The store lists plain keys; each common prefix found is then jumped over in the next
 * query rather than read through, and a query after a jump asks only for about as many rows as the last
 * one yielded entries, so a prefix over many keys costs a couple of rows, not all of them.
 */
export async function listByDelimiter(
  context: StorageContext,
  scope: Scope,
  query: ListByDelimiterQuery,
): Promise<ListByDelimiterPage> {
  assertBucketName(query.bucketId);
  const { prefix, delimiter, limit } = query;
  const commonPrefixOf = (key: string): string | undefined => {
    const at = key.indexOf(delimiter, prefix.length);
    return key.startsWith(prefix) && at !== -1 ? key.slice(0, at + delimiter.length) : undefined;
  };
  const entries: Array<StoredObject | string> = [];
  // Starting after a common prefix skips all of it, as S3 does with a NextMarker that is one.
  const { startAfter } = query;
  let current =
    startAfter !== undefined && commonPrefixOf(startAfter) === startAfter ? startAfter : undefined;
  let position = current !== undefined ? `${current}${MAX}` : startAfter;

  const scan = async (tx: MetadataTransaction) => {
    let batch = limit + 1;
    for (;;) {
      const page = await tx.listObjectsV2({
        bucketId: query.bucketId,
        prefix,
        limit: batch,
        withDelimiter: false,
        sortBy: { column: 'name', order: 'asc' },
        ...(position !== undefined && { startAfter: position }),
      });
      const before = entries.length;
      for (const object of page.objects) {
        const common = commonPrefixOf(object.name);
        if (common === undefined) entries.push(object);
        else if (common !== current) entries.push(common);
        current = common;
        position = common === undefined ? object.name : `${common}${MAX}`;
        if (entries.length > limit) return;
      }
      if (page.objects.length < batch) return;
      batch = Math.min(limit + 1 - entries.length, Math.max(1, 2 * (entries.length - before)));
    }
  };
  await context.metadata.transaction(scope, scan);

  const page = entries.slice(0, limit);
  const lastEntry = page.at(-1);
  return {
    objects: page.filter((entry): entry is StoredObject => typeof entry !== 'string'),
    commonPrefixes: page.filter((entry): entry is string => typeof entry === 'string'),
    ...(entries.length > limit &&
      lastEntry !== undefined && { last: typeof lastEntry === 'string' ? lastEntry : lastEntry.name }),
  };
}
