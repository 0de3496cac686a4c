import { errors, isStorageError, type StorageError } from '@stowage/core';

/** What a constraint violation means for the statement that hit it. */
export interface ViolationMeaning {
  readonly unique?: () => StorageError;
  readonly foreignKey?: () => StorageError;
}

const sqlState = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

// node-postgres reports a pool wait that ran out with these messages and no SQLSTATE.
const POOL_TIMEOUTS = [
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
];

/**
 * The domain error a database error stands for: policy refusals are AccessDenied, timeouts and overload
 * DatabaseTimeout, constraint violations what the statement says they mean. Anything else is returned
 * unchanged.
 */
export function fromDatabaseError(error: unknown, meaning: ViolationMeaning = {}): unknown {
  if (isStorageError(error)) return error;
  switch (sqlState(error)) {
    case '42501':
      return errors.accessDenied(undefined, error);
    case '23505':
      return meaning.unique?.() ?? error;
    case '23503':
      return meaning.foreignKey?.() ?? error;
    case '57014': // statement_timeout
    case '55P03': // lock_timeout
    case '53300': // too many connections
      return errors.databaseTimeout(error);
  }
  if (error instanceof Error && POOL_TIMEOUTS.includes(error.message)) return errors.databaseTimeout(error);
  return error;
}

/** Runs one statement, turning its database errors into domain errors. */
export async function statement<T>(run: Promise<T>, meaning?: ViolationMeaning): Promise<T> {
  try {
    return await run;
  } catch (error) {
    throw fromDatabaseError(error, meaning);
  }
}
