import { SignJWT } from 'jose';

export const JWT_SECRET = 'a-test-secret-of-at-least-thirty-two-characters';

/** A caller's JWT signed with the test secret; `exp` in seconds from now. */
export async function jwtFor(claims: Record<string, unknown>, expiresIn = 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(new TextEncoder().encode(JWT_SECRET));
}
