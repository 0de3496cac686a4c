import { errors, isRole, type Scope } from '@stowage/core';
import { CompiledQuery, type Kysely } from 'kysely';
import type { StorageDatabase } from './storage-database';

/**
 * The text of the session settings statement. `PipelinedClient` recognises it by this exact text, and
 * only right after `begin`: it answers it at once, with no rows, and lets its real answer travel with
 * the next statement's. So nothing may read its rows.
 */
export const SESSION_SETTINGS = `select set_config('role', $1, true),
       set_config('request.jwt.claims', $2, true),
       set_config('request.jwt.claim.role', $1, true),
       set_config('request.jwt.claim.sub', $3, true),
       set_config('request.jwt', $4, true),
       set_config('request.headers', $5, true),
       set_config('request.method', $6, true),
       set_config('request.path', $7, true),
       set_config('storage.operation', $8, true),
       set_config('plan_cache_mode', coalesce($9, current_setting('plan_cache_mode')), true),
       set_config('jit', 'off', true)`;

/** Where `SESSION_SETTINGS` takes its plan cache mode: null keeps the session's own. */
export const PLAN_CACHE_MODE_VALUE = 8;

/**
 * Begins the text of a statement that Postgres should run with its generic plan even while its answers are
 * few: `PipelinedClient` sets `plan_cache_mode` for the transaction that it is the first statement of.
 */
export const GENERIC_PLAN = '/* stowage: generic plan */ ';

/**
 * The first statement of every unit of work: switches the transaction to the caller's role and exposes
 * the claims and the request the way Supabase does, so users' policies read them unchanged. Every
 * setting is transaction-local (`is_local` true), so nothing survives the commit or rollback. JIT is off:
 * no statement of a request runs long enough to repay compiling it (50 ms to a second), and a listing's
 * folder scan, whose depth count the planner cannot know, is costed high enough to trigger it.
 */
export async function applyScope(trx: Kysely<StorageDatabase>, scope: Scope): Promise<void> {
  const { caller, request } = scope;
  // The type says so already; the role becomes a Postgres role, so check it again where it matters.
  if (!isRole(caller.role)) throw errors.accessDenied(`role ${String(caller.role)} is not allowed`);
  const sub = typeof caller.claims.sub === 'string' ? caller.claims.sub : '';
  await trx.executeQuery(
    CompiledQuery.raw(SESSION_SETTINGS, [
      caller.role,
      JSON.stringify(caller.claims),
      sub,
      caller.token ?? '',
      JSON.stringify(request?.headers ?? {}),
      request?.method ?? '',
      request?.path ?? '',
      scope.operation,
      null,
    ]),
  );
}
