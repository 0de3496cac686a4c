import type { Caller } from '../domain/caller';
import { isRole } from '../domain/caller';
import { errors } from '../errors';
import type { TokenService, UrlTokenClaims, UrlTokenScope } from '../ports/token-service';

/**
 * A token service double for use-case tests: tokens are opaque ids of claims kept in memory. Caller
 * "JWTs" are JSON claims, so a test can be anyone it likes.
 */
export class MemoryTokenService implements TokenService {
  private readonly issued = new Map<string, { claims: UrlTokenClaims; expiresAt: number }>();

  /** Lets a test move time forward to expire tokens. */
  now = () => Date.now();

  async verifyCaller(jwt: string): Promise<Caller> {
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(jwt);
    } catch {
      throw errors.accessDenied('Invalid JWT');
    }
    if (!isRole(claims.role)) throw errors.accessDenied(`role ${String(claims.role)} is not allowed`);
    return { role: claims.role, claims: { ...claims, role: claims.role }, token: jwt };
  }

  async signUrlToken(claims: UrlTokenClaims, expiresIn: number): Promise<string> {
    const token = crypto.randomUUID();
    this.issued.set(token, { claims, expiresAt: this.now() + expiresIn * 1000 });
    return token;
  }

  async verifyUrlToken(token: string, scope: UrlTokenScope): Promise<UrlTokenClaims> {
    const entry = this.issued.get(token);
    if (!entry || entry.claims.scope !== scope) throw errors.invalidSignature();
    if (entry.expiresAt <= this.now()) throw errors.expiredToken();
    return entry.claims;
  }
}
