import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isStorageError } from '@stowage/core';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { JoseTokenService } from '../src';

const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
const tokens = new JoseTokenService({ jwtSecret: SECRET });

const sign = (claims: Record<string, unknown>, alg = 'HS256') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (isStorageError(error) ? error.code : 'unexpected'),
  );

describe('JoseTokenService', () => {
  it('turns a JWT into a caller with its claims and raw token', async () => {
    const jwt = await sign({ role: 'authenticated', sub: 'user-1' });
    expect(await tokens.verifyCaller(jwt)).toEqual({
      role: 'authenticated',
      claims: expect.objectContaining({ role: 'authenticated', sub: 'user-1' }),
      token: jwt,
    });
  });

  it('answers a token it verified from memory, until the token expires', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const jwt = await new SignJWT({ role: 'authenticated', sub: 'user-2' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(SECRET));
    const service = new JoseTokenService({ jwtSecret: SECRET });
    const first = await service.verifyCaller(jwt);
    expect(await service.verifyCaller(jwt)).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    expect(await codeOf(service.verifyCaller(jwt))).toBe('AccessDenied');
  });

  it('never answers a token with another signature from memory', async () => {
    const jwt = await sign({ role: 'authenticated', sub: 'user-3' });
    await tokens.verifyCaller(jwt);
    const [header, payload] = jwt.split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(32).toString('base64url')}`;
    expect(await codeOf(tokens.verifyCaller(forged))).toBe('AccessDenied');
    const otherSecret = await new SignJWT({ role: 'service_role', sub: 'user-3' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-of-at-least-thirty-two-chars'));
    expect(await codeOf(tokens.verifyCaller(otherSecret))).toBe('AccessDenied');
  });

  it('refuses algorithms outside the allow-list', async () => {
    expect(await codeOf(tokens.verifyCaller(await sign({ role: 'anon' }, 'HS384')))).toBe('AccessDenied');
    const hs384 = new JoseTokenService({ jwtSecret: SECRET, jwtAlgorithms: ['HS384'] });
    expect((await hs384.verifyCaller(await sign({ role: 'anon' }, 'HS384'))).role).toBe('anon');
  });

  it('refuses a token without a known role', async () => {
    expect(await codeOf(tokens.verifyCaller(await sign({ sub: 'x' })))).toBe('AccessDenied');
    expect(await codeOf(tokens.verifyCaller(await sign({ role: 'supabase_admin' })))).toBe('AccessDenied');
  });

  it('round-trips signed-URL claims within their scope only', async () => {
    const token = await tokens.signUrlToken({ url: 'b/k', scope: 'upload', upsert: true, owner: 'u' }, 60);
    expect(await tokens.verifyUrlToken(token, 'upload')).toEqual({
      url: 'b/k',
      scope: 'upload',
      upsert: true,
      owner: 'u',
    });
    expect(await codeOf(tokens.verifyUrlToken(token, 'download'))).toBe('InvalidSignature');
  });

  it('stamps a signed-URL token with when it was issued and when it expires', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await tokens.signUrlToken({ url: 'b/k', scope: 'download' }, 60);
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp).toBe(payload.iat + 60);
  });

  it('refuses a tampered or expired signed-URL token', async () => {
    const token = await tokens.signUrlToken({ url: 'b/k', scope: 'download' }, 60);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from('{"url":"b/other","scope":"download"}').toString('base64url')}.${signature}`;
    expect(await codeOf(tokens.verifyUrlToken(forged, 'download'))).toBe('InvalidSignature');
    const expired = await new SignJWT({ url: 'b/k', scope: 'download' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 5)
      .sign(new TextEncoder().encode(SECRET));
    expect(await codeOf(tokens.verifyUrlToken(expired, 'download'))).toBe('ExpiredToken');
  });

  it('refuses a signed-URL token under any algorithm but HS256', async () => {
    const claims = { url: 'b/k', scope: 'download' };
    expect(await codeOf(tokens.verifyUrlToken(await sign(claims, 'HS384'), 'download'))).toBe(
      'InvalidSignature',
    );
    const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
    const unsigned = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect(await codeOf(tokens.verifyUrlToken(unsigned, 'download'))).toBe('InvalidSignature');
  });

  it('verifies RS256 tokens against a JWKS alongside HS256 ones', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    }).listen(0, '127.0.0.1');
    await once(jwks, 'listening');
    try {
      const service = new JoseTokenService({
        jwtSecret: SECRET,
        jwtAlgorithms: ['HS256', 'RS256'],
        jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
      });
      const rs = await new SignJWT({ role: 'authenticated', sub: 'rs-user' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setExpirationTime('1h')
        .sign(privateKey);
      expect((await service.verifyCaller(rs)).claims.sub).toBe('rs-user');
      expect((await service.verifyCaller(await sign({ role: 'anon' }))).role).toBe('anon');
      expect(await codeOf(tokens.verifyCaller(rs))).toBe('AccessDenied');
    } finally {
      jwks.close();
    }
  });
});
