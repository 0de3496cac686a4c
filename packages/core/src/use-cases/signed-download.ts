import { type Scope, systemScope } from '../domain/caller';
import type { StoredObject } from '../domain/stored-object';
import { errors } from '../errors';
import type { UrlTokenClaims } from '../ports/token-service';
import { ONE_STATEMENT } from './one-statement';
import { assertPathMatchesToken, splitTokenUrl } from './signed-url-path';
import type { StorageContext } from './storage-context';

/**
 * The object a signed download URL names, with its token's claims. The token is the only credential: the
 * object named in the token is served, and the request's path must name the same object.
 */
export async function findSignedObject(
  context: StorageContext,
  scope: Scope,
  token: string,
  requestedPath: string,
): Promise<{ object: StoredObject; claims: UrlTokenClaims }> {
  const claims = await context.tokens.verifyUrlToken(token, 'download');
  assertPathMatchesToken(requestedPath, claims.url);
  const { bucketId, key } = splitTokenUrl(claims.url);
  const object = await context.metadata.transaction(
    systemScope(scope.operation, scope.request),
    (tx) => tx.findObject(bucketId, key),
    ONE_STATEMENT,
  );
  if (!object) throw errors.noSuchKey();
  return { object, claims };
}
