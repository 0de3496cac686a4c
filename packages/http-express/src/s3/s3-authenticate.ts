import type { Caller, TokenService } from '@stowage/core';
import type { RequestHandler, Response } from 'express';
import type { S3Credentials } from './s3-credentials';
import { s3Errors } from './s3-error';
import { splitUrl } from './sigv4/canonical-uri';
import { type SigningContext, verifySignature } from './sigv4/signature-verifier';
import { signedRequestAuth } from './sigv4/signed-request-auth';

const SERVICE_ROLE: Caller = { role: 'service_role', claims: { role: 'service_role' } };

/** Who signs with `accessKeyId` (and `sessionToken`, in session-token mode), and the secret they sign with. */
export async function signingIdentity(
  tokens: TokenService,
  credentials: S3Credentials,
  accessKeyId: string,
  sessionToken: string | undefined,
): Promise<{ caller: Caller; secret: string }> {
  if (sessionToken !== undefined) {
    if (credentials.sessionTokenSecret === undefined) throw s3Errors.invalidAccessKeyId();
    return { caller: await tokens.verifyCaller(sessionToken), secret: credentials.sessionTokenSecret };
  }
  if (!credentials.accessKey || accessKeyId !== credentials.accessKey.id) throw s3Errors.invalidAccessKeyId();
  return { caller: SERVICE_ROLE, secret: credentials.accessKey.secret };
}

/**
 * Verifies the SigV4 signature of every `/s3` request (header or presigned query) and keeps the caller in
 * `res.locals.caller`: service_role for the configured key pair, the JWT's own identity in session-token
 * mode, so that user's policies decide. Anonymous requests are refused.
 */
export function s3Authenticate(tokens: TokenService, credentials: S3Credentials): RequestHandler {
  return async (req, res, next) => {
    const { rawPath, query } = splitUrl(req.originalUrl);
    const auth = signedRequestAuth(req, query);
    if (!auth) throw s3Errors.accessDenied('Anonymous access is not allowed; sign the request with SigV4');
    const { caller, secret } = await signingIdentity(
      tokens,
      credentials,
      auth.accessKeyId,
      auth.sessionToken,
    );
    res.locals.signing = await verifySignature(req, auth, secret, rawPath, query);
    res.locals.caller = caller;
    res.locals.s3Query = query;
    next();
  };
}

/** The verified signature of the request, for its payload's chunk signatures. */
export const signingOf = (res: Response): SigningContext => res.locals.signing as SigningContext;

/** The request's query parameters, parsed once. */
export const s3QueryOf = (res: Response): URLSearchParams => res.locals.s3Query as URLSearchParams;
