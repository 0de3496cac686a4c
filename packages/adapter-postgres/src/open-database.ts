import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, type LogEvent, PGliteDialect, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { ParsedPostgresConfig } from './config';
import type { MigrationSession } from './migration-session';
import { PipelinedClient } from './pipelined-client';
import type { StorageDatabase } from './storage-database';
import { TYPE_PARSERS } from './timestamp-parser';

/** Told of every query once it settles: how long it took and whether it failed (for metrics). */
export type QueryObserver = (durationMs: number, failed: boolean) => void;

/** The connection pool's state: connections open, idle, requests waiting for one, and the limit. */
export interface PoolUse {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
  readonly max: number;
}

/** A kysely instance on one of the two dialects, and a single session for the migrator. */
export interface OpenDatabase {
  readonly db: Kysely<StorageDatabase>;
  /** PGlite has one connection: units of work must take turns on it. */
  readonly singleConnection: boolean;
  migrationSession(): Promise<MigrationSession>;
  /** `undefined` for PGlite, which has one connection and no pool. */
  poolUse(): PoolUse | undefined;
  /** Ends the pool or closes PGlite, whether or not kysely ever used it. */
  close(): Promise<void>;
}

const queryLog = (onQuery: QueryObserver | undefined) =>
  onQuery && ((event: LogEvent) => onQuery(event.queryDurationMillis, event.level === 'error'));

export function openDatabase(config: ParsedPostgresConfig, onQuery?: QueryObserver): OpenDatabase {
  return config.databaseUrl === undefined
    ? openPglite(config.pgliteDataDir, onQuery)
    : openPool(config, onQuery);
}

function openPool(config: ParsedPostgresConfig, onQuery: QueryObserver | undefined): OpenDatabase {
  const pool = new Pool({
    Client: PipelinedClient,
    connectionString: config.databaseUrl,
    max: config.poolSize,
    types: TYPE_PARSERS,
    connectionTimeoutMillis: config.connectionTimeoutMs,
    ...(config.statementTimeoutMs !== undefined && { statement_timeout: config.statementTimeoutMs }),
  });
  // An idle connection that drops (server restart, database dropped) is discarded by the pool and
  // replaced at the next checkout; without a listener its error would crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<StorageDatabase>({ dialect: new PostgresDialect({ pool }), log: queryLog(onQuery) });
  return {
    db,
    singleConnection: false,
    poolUse: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: config.poolSize,
    }),
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

/**
 * Postgres's default 128 MB of shared buffers live in PGlite's WebAssembly memory, which never shrinks:
 * 16 MB keeps an embedded server ~110 MiB smaller at rest and is plenty for one process's working set.
 */
const PGLITE_SETTINGS = ['shared_buffers = 16MB'];

function openPglite(dataDir: string | undefined, onQuery: QueryObserver | undefined): OpenDatabase {
  // PGlite creates its own directory but not the ones above it (a fresh `./data` on first start).
  if (dataDir !== undefined && !/^[a-z]+:\/\//.test(dataDir)) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir, { postgresqlconf: PGLITE_SETTINGS });
  const db = new Kysely<StorageDatabase>({ dialect: new PGliteDialect({ pglite }), log: queryLog(onQuery) });
  return {
    db,
    singleConnection: true,
    poolUse: () => undefined,
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
