import {
  isStorageError,
  type MetadataStore,
  type MetadataTransaction,
  type Scope,
  type UnitOfWorkOptions,
} from '@stowage/core';
import { CompiledQuery, type Kysely } from 'kysely';
import { AdvisoryUploadLocks } from './advisory-upload-locks';
import { applyScope } from './apply-scope';
import { type ParsedPostgresConfig, type PostgresConfig, postgresConfigSchema } from './config';
import { fromDatabaseError } from './database-error';
import { migrate } from './migrator';
import { type OpenDatabase, openDatabase, type PoolUse, type QueryObserver } from './open-database';
import { ONLY_STATEMENT_NEXT } from './pipelined-client';
import { PostgresMetadataTransaction } from './postgres-metadata-transaction';
import { PostgresMultipartUploadStore } from './postgres-multipart-upload-store';
import { PostgresResumableUploadStore } from './postgres-resumable-upload-store';
import type { StorageDatabase } from './storage-database';

const ONLY_STATEMENT_NEXT_QUERY = CompiledQuery.raw(ONLY_STATEMENT_NEXT);

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
  /** The state of resumable uploads, on the same database and taking turns with units of work. */
  readonly resumableUploads: PostgresResumableUploadStore;
  /** The S3 endpoint's multipart uploads, on the same database and taking turns with units of work. */
  readonly multipartUploads: PostgresMultipartUploadStore;
  private readonly uploadLocks: AdvisoryUploadLocks;

  constructor(
    private readonly database: OpenDatabase,
    config: Pick<ParsedPostgresConfig, 'databaseUrl' | 'connectionTimeoutMs'>,
  ) {
    this.db = database.db;
    this.uploadLocks = new AdvisoryUploadLocks({
      databaseUrl: config.databaseUrl,
      timeoutMs: config.connectionTimeoutMs,
    });
    this.resumableUploads = new PostgresResumableUploadStore(
      (work) => this.inTurn(() => work(this.db)),
      this.uploadLocks,
    );
    this.multipartUploads = new PostgresMultipartUploadStore(
      (work) => this.inTurn(() => work(this.db)),
      this.uploadLocks,
    );
  }

  /**
   * With `oneStatement`, a server's connection sends the statement, with the settings, as a transaction of
   * its own, without `begin` and `commit`; PGlite, in the same process, has no round trip to save.
   */
  transaction<T>(
    scope: Scope,
    work: (tx: MetadataTransaction) => Promise<T>,
    options?: UnitOfWorkOptions,
  ): Promise<T> {
    const onlyStatement = options?.oneStatement === true && !this.database.singleConnection;
    return this.unitOfWork(scope, work, false, onlyStatement);
  }

  async dryRun<T>(scope: Scope, work: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
    try {
      return await this.unitOfWork(scope, work, true);
    } catch (error) {
      if (error instanceof DryRunResult) return error.value as T;
      throw error;
    }
  }

  /** The connection pool's state, for metrics; `undefined` on PGlite. */
  poolUse(): PoolUse | undefined {
    return this.database.poolUse();
  }

  close(): Promise<void> {
    this.closed ??= this.queue.then(async () => {
      await this.uploadLocks.close();
      await this.database.close();
    });
    return this.closed;
  }

  private unitOfWork<T>(
    scope: Scope,
    work: (tx: MetadataTransaction) => Promise<T>,
    rollback: boolean,
    onlyStatement = false,
  ) {
    const run = async () => {
      try {
        return await this.db.transaction().execute(async (trx) => {
          await applyScope(trx, scope);
          if (onlyStatement) await trx.executeQuery(ONLY_STATEMENT_NEXT_QUERY);
          const result = await work(new PostgresMetadataTransaction(trx, scope.caller.role));
          if (rollback) throw new DryRunResult(result);
          return result;
        });
      } catch (error) {
        // The work's own errors pass unchanged; failures of BEGIN, COMMIT or the pool are translated.
        if (error instanceof DryRunResult || isStorageError(error)) throw error;
        throw fromDatabaseError(error);
      }
    };
    return this.inTurn(run);
  }

  /** Runs `work` now on a pool, or after the queued work on PGlite's single connection. */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (!this.database.singleConnection) return work();
    const turn = this.queue.then(work);
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}

/**
 * Opens the database named by the configuration (a Postgres server, a PGlite directory, or an in-memory
 * PGlite), brings its schema up to date and returns the store. `onQuery` hears of every query after the
 * migration.
 */
export async function createPostgresMetadataStore(
  config: PostgresConfig,
  onQuery?: QueryObserver,
): Promise<PostgresMetadataStore> {
  const parsed = postgresConfigSchema.parse(config);
  const database = openDatabase(parsed, onQuery);
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
  return new PostgresMetadataStore(database, parsed);
}
