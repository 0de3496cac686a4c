import type { Caller, TokenService, UrlTokenClaims, UrlTokenScope } from '@stowage/core';
import { errors, isRole, isStorageError } from '@stowage/core';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { RoleRefused } from './role-refused';
import { VerifiedTokenCache } from './verified-token-cache';

export interface JoseTokenServiceOptions {
  /** `AUTH_JWT_SECRET`: verifies HS* caller tokens and signs the tokens of signed URLs. */
  readonly jwtSecret: string;
  /** The algorithms accepted on caller tokens; `none` is never accepted. Default `['HS256']`. */
  readonly jwtAlgorithms?: readonly string[];
  /** A JWKS for asymmetric (RS/ES/EdDSA) caller tokens. */
  readonly jwksUrl?: string;
}

const URL_TOKEN_ALGORITHM = 'HS256';

/** Caller JWTs with jose, signed-URL tokens with fast-jwt: explicit algorithm allow-lists, never `none`. */
export class JoseTokenService implements TokenService {
  private readonly secret: Uint8Array;
  private readonly algorithms: string[];
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;
  /**
   * Signed-URL tokens are HS256 over the secret, signed and verified with fast-jwt on `node:crypto`:
   * synchronous, where jose's WebCrypto HMAC is a trip to the thread pool for every sign.
   */
  private readonly signUrl: (payload: Record<string, unknown>) => string;
  private readonly verifyUrl: (token: string) => JWTPayload;
  private readonly callers = new VerifiedTokenCache<Caller>();
  private readonly urlTokens = new VerifiedTokenCache<JWTPayload>();

  constructor(options: JoseTokenServiceOptions) {
    this.secret = new TextEncoder().encode(options.jwtSecret);
    this.algorithms = (options.jwtAlgorithms ?? ['HS256']).filter((alg) => alg.toLowerCase() !== 'none');
    if (this.algorithms.length === 0) throw new Error('JoseTokenService needs at least one JWT algorithm');
    if (options.jwksUrl) this.jwks = createRemoteJWKSet(new URL(options.jwksUrl));
    this.signUrl = createSigner({ key: options.jwtSecret, algorithm: URL_TOKEN_ALGORITHM });
    this.verifyUrl = createVerifier({ key: options.jwtSecret, algorithms: [URL_TOKEN_ALGORITHM] });
  }

  async verifyCaller(jwt: string): Promise<Caller> {
    const known = this.callers.get(jwt);
    if (known) return known;
    const payload = await this.verifyCallerPayload(jwt);
    if (!isRole(payload.role)) {
      throw errors.accessDenied(
        `Invalid JWT: role ${JSON.stringify(payload.role)} is not allowed`,
        new RoleRefused(payload.role),
      );
    }
    const caller: Caller = Object.freeze({
      role: payload.role,
      claims: Object.freeze({ ...payload, role: payload.role }),
      token: jwt,
    });
    this.callers.set(jwt, caller, payload.exp);
    return caller;
  }

  async signUrlToken(claims: UrlTokenClaims, expiresIn: number): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return this.signUrl({ ...claims, iat: now, exp: now + expiresIn });
  }

  async verifyUrlToken(token: string, scope: UrlTokenScope): Promise<UrlTokenClaims> {
    const payload = this.urlTokens.get(token) ?? this.verifyUrlTokenPayload(token);
    if (payload.scope !== scope || typeof payload.url !== 'string') {
      throw errors.invalidSignature('The token is not valid for this operation');
    }
    return {
      url: payload.url,
      scope,
      ...(typeof payload.transformations === 'string' && { transformations: payload.transformations }),
      ...(typeof payload.upsert === 'boolean' && { upsert: payload.upsert }),
      ...(typeof payload.owner === 'string' && { owner: payload.owner }),
    };
  }

  private verifyUrlTokenPayload(token: string): JWTPayload {
    try {
      const payload = this.verifyUrl(token);
      this.urlTokens.set(token, payload, payload.exp);
      return payload;
    } catch (error) {
      if (error instanceof TokenError && error.code === TokenError.codes.expired) throw errors.expiredToken();
      throw errors.invalidSignature(`Invalid signature: ${messageOf(error)}`);
    }
  }

  private async verifyCallerPayload(jwt: string): Promise<JWTPayload> {
    try {
      const options = { algorithms: this.algorithms };
      const isSymmetric = (alg: string) => alg.startsWith('HS');
      const { payload } =
        this.jwks && !isSymmetric(headerAlgorithm(jwt))
          ? await jwtVerify(jwt, this.jwks, options)
          : await jwtVerify(jwt, this.secret, options);
      return payload;
    } catch (error) {
      if (isStorageError(error)) throw error;
      throw errors.accessDenied(messageOf(error), error);
    }
  }
}

function headerAlgorithm(jwt: string): string {
  const [header] = jwt.split('.');
  try {
    const parsed = JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as { alg?: unknown };
    return typeof parsed.alg === 'string' ? parsed.alg : '';
  } catch {
    return '';
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
