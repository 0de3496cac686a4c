import { anonymous, type Caller, errors, type TokenService } from '@stowage/core';
import type { Request, RequestHandler, Response } from 'express';

const BEARER = /^Bearer\s+(.+)$/i;

/** The caller's JWT: `Authorization: Bearer` wins over `apikey` (clients send both). */
function tokenOf(req: Request): string | undefined {
  const bearer = BEARER.exec(req.get('authorization') ?? '')?.[1]?.trim();
  if (bearer) return bearer;
  const apikey = req.get('apikey')?.trim();
  return apikey || undefined;
}

/**
 * Verifies the caller on protected routes and keeps it in `res.locals.caller`. A request without any
 * token is an InvalidRequest, as on the reference.
 */
export function authenticate(tokens: TokenService): RequestHandler {
  return async (req, res, next) => {
    const token = tokenOf(req);
    if (!token) throw errors.invalidRequest("headers must have required property 'authorization'");
    res.locals.caller = await tokens.verifyCaller(token);
    next();
  };
}

/** The caller verified by `authenticate`, or anon on public routes. */
export const callerOf = (res: Response): Caller => (res.locals.caller as Caller | undefined) ?? anonymous();
