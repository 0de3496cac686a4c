import { assertBucketName } from '../domain/bucket-name';
import type { Scope } from '../domain/caller';
import type {
  ListEntry,
  ListObjectsQuery,
  ListObjectsV2Page,
  ListObjectsV2Query,
} from '../domain/stored-object';
import { errors } from '../errors';
import { ONE_STATEMENT } from './one-statement';
import type { StorageContext } from './storage-context';

const MAX_PAGE = 1000;

function assertPage(limit: number, offset = 0): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw errors.invalidRequest(`limit must be between 1 and ${MAX_PAGE}`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0) throw errors.invalidRequest('offset must be 0 or more');
}

/** The files and sub-folders directly under a folder that the caller may see. */
export function listObjects(
  context: StorageContext,
  scope: Scope,
  query: ListObjectsQuery,
): Promise<ListEntry[]> {
  assertBucketName(query.bucketId);
  assertPage(query.limit, query.offset);
  return context.metadata.transaction(scope, (tx) => tx.listObjects(query), ONE_STATEMENT);
}

/** A page of the keys under a prefix that the caller may see, with a cursor to the next. */
export function listObjectsV2(
  context: StorageContext,
  scope: Scope,
  query: ListObjectsV2Query,
): Promise<ListObjectsV2Page> {
  assertBucketName(query.bucketId);
  assertPage(query.limit);
  return context.metadata.transaction(scope, (tx) => tx.listObjectsV2(query), ONE_STATEMENT);
}
