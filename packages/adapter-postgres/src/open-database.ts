import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { ParsedPostgresConfig } from './config';
import type { MigrationSession } from './migration-session';
import type { StorageDatabase } from './storage-database';

/** A kysely instance on one of the two dialects, and a single session for the migrator. */
export interface OpenDatabase {
  readonly db: Kysely<StorageDatabase>;
  /** PGlite has one connection: units of work must take turns on it. */
  readonly singleConnection: boolean;
  migrationSession(): Promise<MigrationSession>;
}

export function openDatabase(config: ParsedPostgresConfig): OpenDatabase {
  return config.databaseUrl === undefined ? openPglite(config.pgliteDataDir) : openPool(config);
}

function openPool(config: ParsedPostgresConfig): OpenDatabase {
  const pool = new Pool({
    connectionString: config.databaseUrl,
    max: config.poolSize,
    connectionTimeoutMillis: config.connectionTimeoutMs,
    ...(config.statementTimeoutMs !== undefined && { statement_timeout: config.statementTimeoutMs }),
  });
  return {
    db: new Kysely<StorageDatabase>({ dialect: new PostgresDialect({ pool }) }),
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
  };
}

function openPglite(dataDir: string | undefined): OpenDatabase {
  const pglite = new PGlite(dataDir);
  return {
    db: new Kysely<StorageDatabase>({ dialect: new PGliteDialect({ pglite }) }),
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
  };
}
