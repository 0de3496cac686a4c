import type { Scope } from '@stowage/core';
import type { Request, Response } from 'express';
import { callerOf } from './authenticate';

/** The scope a use case runs under: the caller, the operation and the request as policies see it. */
export function requestScope(req: Request, res: Response, operation: string): Scope {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { caller: callerOf(res), operation, request: { method: req.method, path: req.path, headers } };
}
