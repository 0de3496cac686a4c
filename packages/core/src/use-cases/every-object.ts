import { systemScope } from '../domain/caller';
import type { StoredObject } from '../domain/stored-object';
import type { MetadataStore } from '../ports/metadata-store';

/**
 * Every object row of every bucket, a page at a time, by bucket then name. Each page is read in a short
 * transaction of its own, so nothing is held open while the caller streams the page's blobs.
 */
export async function* everyObject(
  metadata: MetadataStore,
  pageSize = 1000,
): AsyncGenerator<readonly StoredObject[]> {
  const scope = systemScope('object.list');
  const buckets = await metadata.transaction(scope, (tx) => tx.listBuckets({}));
  for (const bucket of buckets) {
    let cursor: string | undefined;
    do {
      const page = await metadata.transaction(scope, (tx) =>
        tx.listObjectsV2({
          bucketId: bucket.id,
          prefix: '',
          limit: pageSize,
          cursor,
          withDelimiter: false,
          sortBy: { column: 'name', order: 'asc' },
        }),
      );
      if (page.objects.length > 0) yield page.objects;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }
}

/** How many objects there are, and their bytes as their rows record them. */
export async function countObjects(metadata: MetadataStore): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  for await (const page of everyObject(metadata)) {
    objects += page.length;
    for (const object of page) bytes += object.metadata?.size ?? 0;
  }
  return { objects, bytes };
}
