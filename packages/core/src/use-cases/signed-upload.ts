import type { Readable } from 'node:stream';
import { ownerFromSub, ownerOf, type Scope, systemScope } from '../domain/caller';
import { assertKey } from '../domain/object-key';
import type { StoredObject } from '../domain/stored-object';
import { assertPathMatchesToken, splitTokenUrl } from './signed-url-path';
import type { StorageContext } from './storage-context';
import { findUploadTarget, objectMetadata, uploadObject, writeObjectRow } from './upload-object';

/**
 * Signs an upload token for one key. The caller must be allowed to create the object (or replace it, with
 * `upsert`) now; whoever holds the token may then upload once until it expires, as the caller.
 */
export async function createSignedUploadUrl(
  context: StorageContext,
  scope: Scope,
  bucketId: string,
  key: string,
  upsert: boolean,
): Promise<string> {
  assertKey(key);
  const bucket = await findUploadTarget(context, scope, bucketId);
  const owner = ownerOf(scope.caller);
  await context.metadata.dryRun(scope, (tx) =>
    writeObjectRow(
      tx,
      {
        bucketId: bucket.id,
        name: key,
        ...owner,
        version: 'pending',
        metadata: objectMetadata(
          { contentType: 'application/octet-stream', cacheControl: 'no-cache' },
          { size: 0, etag: '' },
        ),
        userMetadata: null,
      },
      upsert,
    ),
  );
  return context.tokens.signUrlToken(
    { url: `${bucket.id}/${key}`, scope: 'upload', upsert, ...(owner.ownerId && { owner: owner.ownerId }) },
    context.settings.signedUploadExpiresIn,
  );
}

/**
 * `cacheControl` and `userMetadata` may be getters that change until the body has been read (multipart text
 * fields after the file part): they are read only once the bytes are stored, as `uploadObject` does.
 */
export interface SignedUploadInput {
  readonly token: string;
  /** `<bucket>/<key>` as the request's URL names it. */
  readonly requestedPath: string;
  readonly body: Readable;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly userMetadata: Record<string, unknown> | null;
  readonly contentLength?: number;
}

/** Uploads with a signed upload token: the token is the credential; its owner and upsert flag apply. */
export async function uploadToSignedUrl(
  context: StorageContext,
  scope: Scope,
  input: SignedUploadInput,
): Promise<StoredObject> {
  const claims = await context.tokens.verifyUrlToken(input.token, 'upload');
  assertPathMatchesToken(input.requestedPath, claims.url);
  const { bucketId, key } = splitTokenUrl(claims.url);
  return uploadObject(context, systemScope(scope.operation, scope.request), {
    bucketId,
    key,
    body: input.body,
    contentType: input.contentType,
    get cacheControl() {
      return input.cacheControl;
    },
    get userMetadata() {
      return input.userMetadata;
    },
    ...(input.contentLength !== undefined && { contentLength: input.contentLength }),
    upsert: claims.upsert === true,
    owner: ownerFromSub(claims.owner),
  });
}
