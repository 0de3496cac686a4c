import type { Caller } from '../domain/caller';

export type UrlTokenScope = 'download' | 'upload';

/** What a signed URL's token carries. `url` is `<bucket>/<key>`. */
export interface UrlTokenClaims {
  readonly url: string;
  readonly scope: UrlTokenScope;
  /** Download tokens: an image transformation such as `width:100,height:100,resize:cover`. */
  readonly transformations?: string;
  /** Upload tokens: whether the upload may overwrite, and who will own the object. */
  readonly upsert?: boolean;
  readonly owner?: string;
}

/** Verifies callers' JWTs and mints and checks the tokens of signed URLs. */
export interface TokenService {
  /**
   * The caller a JWT describes. Rejects with `AccessDenied` (naming the failure) when the token is
   * malformed, badly signed, expired, or claims a role other than anon, authenticated or service_role.
   */
  verifyCaller(jwt: string): Promise<Caller>;
  /** A token for a signed URL that expires `expiresIn` seconds from now. */
  signUrlToken(claims: UrlTokenClaims, expiresIn: number): Promise<string>;
  /**
   * The claims of a signed-URL token of the given scope. Rejects with `ExpiredToken` when expired and
   * `InvalidSignature` for anything else wrong, including a token of another scope.
   */
  verifyUrlToken(token: string, scope: UrlTokenScope): Promise<UrlTokenClaims>;
}
