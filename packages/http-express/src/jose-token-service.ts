import { webcrypto } from 'node:crypto';
import type { Caller, TokenService, UrlTokenClaims, UrlTokenScope } from '@stowage/core';
import { errors, isRole, isStorageError } from '@stowage/core';
import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
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

/** Caller JWTs and signed-URL tokens with jose: explicit algorithm allow-lists, never `none`. */
export class JoseTokenService implements TokenService {
  private readonly secret: Uint8Array;
  private readonly algorithms: string[];
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;
  /** The secret imported once as an HS256 key for signed URLs, rather than at every sign and verify. */
  private readonly urlKey: Promise<webcrypto.CryptoKey>;
  private readonly callers = new VerifiedTokenCache<Caller>();
  private readonly urlTokens = new VerifiedTokenCache<JWTPayload>();

  constructor(options: JoseTokenServiceOptions) {
    this.secret = new TextEncoder().encode(options.jwtSecret);
    this.algorithms = (options.jwtAlgorithms ?? ['HS256']).filter((alg) => alg.toLowerCase() !== 'none');
    if (this.algorithms.length === 0) throw new Error('JoseTokenService needs at least one JWT algorithm');
    if (options.jwksUrl) this.jwks = createRemoteJWKSet(new URL(options.jwksUrl));
    this.urlKey = webcrypto.subtle.importKey('raw', this.secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
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
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: URL_TOKEN_ALGORITHM, typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + expiresIn)
      .sign(await this.urlKey);
  }

  async verifyUrlToken(token: string, scope: UrlTokenScope): Promise<UrlTokenClaims> {
    const payload = this.urlTokens.get(token) ?? (await this.verifyUrlTokenPayload(token));
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

  private async verifyUrlTokenPayload(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, await this.urlKey, { algorithms: [URL_TOKEN_ALGORITHM] });
      this.urlTokens.set(token, payload, payload.exp);
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw errors.expiredToken();
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
