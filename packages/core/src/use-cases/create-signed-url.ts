import { assertBucketName } from '../domain/bucket-name';
import type { Scope } from '../domain/caller';
import { assertKey, isValidKey } from '../domain/object-key';
import { errors } from '../errors';
import { ONE_STATEMENT } from './one-statement';
import type { StorageContext } from './storage-context';

export interface SignedUrlResult {
  readonly path: string;
  /** `null` when the caller may not read the path (or it does not exist). */
  readonly token: string | null;
}

export const UNREADABLE_OBJECT_MESSAGE = 'Either the object does not exist or you do not have access to it';

function assertExpiry(expiresIn: number): void {
  if (!Number.isSafeInteger(expiresIn) || expiresIn < 1)
    throw errors.invalidRequest('expiresIn must be a positive integer');
}

/**
 * Signs download tokens for objects the caller may read (SELECT); anyone holding one may download that
 * object until it expires. `transformations` binds an image transformation into the token.
 */
export async function createSignedUrls(
  context: StorageContext,
  scope: Scope,
  bucketId: string,
  paths: readonly string[],
  expiresIn: number,
  transformations?: string,
): Promise<SignedUrlResult[]> {
  assertBucketName(bucketId);
  assertExpiry(expiresIn);
  const valid = [...new Set(paths)].filter(isValidKey);
  const readable =
    valid.length === 0
      ? new Set<string>()
      : await context.metadata.transaction(scope, (tx) => tx.findObjectNames(bucketId, valid), ONE_STATEMENT);
  return Promise.all(
    paths.map(async (path) => ({
      path,
      token: readable.has(path)
        ? await context.tokens.signUrlToken(
            { url: `${bucketId}/${path}`, scope: 'download', ...(transformations && { transformations }) },
            expiresIn,
          )
        : null,
    })),
  );
}

/** Signs one download token; `NoSuchKey` when the caller may not read the object. */
export async function createSignedUrl(
  context: StorageContext,
  scope: Scope,
  bucketId: string,
  key: string,
  expiresIn: number,
  transformations?: string,
): Promise<string> {
  const [result] = await createSignedUrls(
    context,
    scope,
    bucketId,
    [assertKey(key)],
    expiresIn,
    transformations,
  );
  if (!result?.token) throw errors.noSuchKey(UNREADABLE_OBJECT_MESSAGE);
  return result.token;
}
