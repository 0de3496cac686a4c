import { isStorageError, type MetadataStore, type MetadataTransaction, type Scope } from '@stowage/core';
import type { Kysely } from 'kysely';
import { applyScope } from './apply-scope';
import { type PostgresConfig, postgresConfigSchema } from './config';
import { fromDatabaseError } from './database-error';
import { migrate } from './migrator';
import { type OpenDatabase, openDatabase } from './open-database';
import { PostgresMetadataTransaction } from './postgres-metadata-transaction';
import type { StorageDatabase } from './storage-database';

/** Carries a dry run's result out of the transaction it rolls back. */
class DryRunResult {
  constructor(readonly value: unknown) {}
}

/**
 * The metadata store on Postgres (a server through `pg`, or embedded PGlite): each unit of work is one
 * transaction that first switches to the caller's role and claims, so the database's Row Level Security
 * policies decide what it sees and may change.
 */
export class PostgresMetadataStore implements MetadataStore {
  private queue: Promise<unknown> = Promise.resolve();
  private closed?: Promise<void>;

  /** The underlying kysely instance, for administration (policies, seeding) outside units of work. */
  readonly db: Kysely<StorageDatabase>;

  constructor(private readonly database: OpenDatabase) {
    this.db = database.db;
  }

  transaction<T>(scope: Scope, work: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
    return this.unitOfWork(scope, work, false);
  }

  async dryRun<T>(scope: Scope, work: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
    try {
      return await this.unitOfWork(scope, work, true);
    } catch (error) {
      if (error instanceof DryRunResult) return error.value as T;
      throw error;
    }
  }

  close(): Promise<void> {
    this.closed ??= this.queue.then(() => this.database.close());
    return this.closed;
  }

  private unitOfWork<T>(scope: Scope, work: (tx: MetadataTransaction) => Promise<T>, rollback: boolean) {
    const run = async () => {
      try {
        return await this.db.transaction().execute(async (trx) => {
          const now = await applyScope(trx, scope);
          const result = await work(new PostgresMetadataTransaction(trx, scope.caller.role, now));
          if (rollback) throw new DryRunResult(result);
          return result;
        });
      } catch (error) {
        // The work's own errors pass unchanged; failures of BEGIN, COMMIT or the pool are translated.
        if (error instanceof DryRunResult || isStorageError(error)) throw error;
        throw fromDatabaseError(error);
      }
    };
    if (!this.database.singleConnection) return run();
    const turn = this.queue.then(run);
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}

/**
 * Opens the database named by the configuration (a Postgres server, a PGlite directory, or an in-memory
 * PGlite), brings its schema up to date and returns the store.
 */
export async function createPostgresMetadataStore(config: PostgresConfig): Promise<PostgresMetadataStore> {
  const parsed = postgresConfigSchema.parse(config);
  const database = openDatabase(parsed);
  try {
    const session = await database.migrationSession();
    try {
      await migrate(session, { installRoles: parsed.installRoles });
    } finally {
      await session.release();
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  return new PostgresMetadataStore(database);
}
