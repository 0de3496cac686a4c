import { errors, isRole, type Scope } from '@stowage/core';
import { type Kysely, sql } from 'kysely';
import type { StorageDatabase } from './storage-database';

/**
 * The first statement of every unit of work: switches the transaction to the caller's role and exposes
 * the claims and the request the way Supabase does, so users' policies read them unchanged. Every
 * setting is transaction-local (`is_local` true), so nothing survives the commit or rollback.
 */
export async function applyScope(trx: Kysely<StorageDatabase>, scope: Scope): Promise<void> {
  const { caller, request } = scope;
  // The type says so already; the role becomes a Postgres role, so check it again where it matters.
  if (!isRole(caller.role)) throw errors.accessDenied(`role ${String(caller.role)} is not allowed`);
  const sub = typeof caller.claims.sub === 'string' ? caller.claims.sub : '';
  await sql`
    select set_config('role', ${caller.role}, true),
           set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true),
           set_config('request.jwt.claim.role', ${caller.role}, true),
           set_config('request.jwt.claim.sub', ${sub}, true),
           set_config('request.jwt', ${caller.token ?? ''}, true),
           set_config('request.headers', ${JSON.stringify(request?.headers ?? {})}, true),
           set_config('request.method', ${request?.method ?? ''}, true),
           set_config('request.path', ${request?.path ?? ''}, true),
           set_config('storage.operation', ${scope.operation}, true)`.execute(trx);
}
