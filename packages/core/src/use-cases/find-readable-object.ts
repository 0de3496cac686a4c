import { assertBucketName } from '../domain/bucket-name';
import { type Scope, systemScope } from '../domain/caller';
import { assertKey } from '../domain/object-key';
import type { StoredObject } from '../domain/stored-object';
import { errors } from '../errors';
import { ONE_STATEMENT } from './one-statement';
import type { StorageContext } from './storage-context';

/** How a read reached the object: through the caller's policies, a public bucket, or a signed URL. */
export type ReadAccess = 'authenticated' | 'public';

/**
 * The object a caller may read. `authenticated` reads ask the caller's SELECT policy first and, when it
 * hides the object, fall back to the bucket's public flag (as the reference does, so a client's download
 * works for anyone in a public bucket). `public` reads ignore policies: only the public flag decides, and a
 * private bucket is reported as missing.
 */
export async function findReadableObject(
  context: StorageContext,
  scope: Scope,
  access: ReadAccess,
  bucketId: string,
  key: string,
): Promise<StoredObject> {
  assertBucketName(bucketId);
  assertKey(key);
  if (access === 'authenticated') {
    const visible = await context.metadata.transaction(
      scope,
      (tx) => tx.findObject(bucketId, key),
      ONE_STATEMENT,
    );
    if (visible) return visible;
  }
  const found = await context.metadata.transaction(
    systemScope(scope.operation, scope.request),
    (tx) => tx.findPublicObject(bucketId, key),
    ONE_STATEMENT,
  );
  if (!found?.public && access === 'public') throw errors.noSuchBucket();
  if (!found?.object) throw errors.noSuchKey();
  return found.object;
}
