import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { ParsedPostgresConfig } from './config';
import type { MigrationSession } from './migration-session';
import { PipelinedClient } from './pipelined-client';
import type { StorageDatabase } from './storage-database';

/** A kysely instance on one of the two dialects, and a single session for the migrator. */
export interface OpenDatabase {
  readonly db: Kysely<StorageDatabase>;
  /** PGlite has one connection: units of work must take turns on it. */
  readonly singleConnection: boolean;
  migrationSession(): Promise<MigrationSession>;
  /** Ends the pool or closes PGlite, whether or not kysely ever used it. */
  close(): Promise<void>;
}

export function openDatabase(config: ParsedPostgresConfig): OpenDatabase {
  return config.databaseUrl === undefined ? openPglite(config.pgliteDataDir) : openPool(config);
}

function openPool(config: ParsedPostgresConfig): OpenDatabase {
  const pool = new Pool({
    Client: PipelinedClient,
    connectionString: config.databaseUrl,
    max: config.poolSize,
    connectionTimeoutMillis: config.connectionTimeoutMs,
    ...(config.statementTimeoutMs !== undefined && { statement_timeout: config.statementTimeoutMs }),
  });
  // An idle connection that drops (server restart, database dropped) is discarded by the pool and
  // replaced at the next checkout; without a listener its error would crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<StorageDatabase>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    singleConnection: false,
    async migrationSession() {
      const client = await pool.connect();
      return {
        query: async (text, values) => (await client.query(text, values as unknown[] | undefined)).rows,
        exec: async (script) => {
          await client.query(script);
        },
        release: async () => client.release(),
      };
    },
    async close() {
      await db.destroy();
      if (!pool.ended) await pool.end();
    },
  };
}

function openPglite(dataDir: string | undefined): OpenDatabase {
  const pglite = new PGlite(dataDir);
  const db = new Kysely<StorageDatabase>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    singleConnection: true,
    async migrationSession() {
      await pglite.waitReady;
      return {
        query: async (text, values) =>
          (await pglite.query<Record<string, unknown>>(text, values as unknown[] | undefined)).rows,
        exec: async (script) => {
          await pglite.exec(script);
        },
        release: async () => undefined,
      };
    },
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
