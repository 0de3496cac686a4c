import type { Bucket, ListBucketsQuery } from '../domain/bucket';
import { assertBucketName } from '../domain/bucket-name';
import type { Scope } from '../domain/caller';
import { errors } from '../errors';
import { ONE_STATEMENT } from './one-statement';
import type { StorageContext } from './storage-context';

/** A bucket the caller may see (SELECT on `storage.buckets`), or `NoSuchBucket`. */
export async function getBucket(context: StorageContext, scope: Scope, id: string): Promise<Bucket> {
  assertBucketName(id);
  const bucket = await context.metadata.transaction(scope, (tx) => tx.findBucket(id), ONE_STATEMENT);
  if (!bucket) throw errors.noSuchBucket();
  return bucket;
}

/** The buckets the caller may see. */
export function listBuckets(
  context: StorageContext,
  scope: Scope,
  query: ListBucketsQuery,
): Promise<Bucket[]> {
  return context.metadata.transaction(scope, (tx) => tx.listBuckets(query), ONE_STATEMENT);
}
