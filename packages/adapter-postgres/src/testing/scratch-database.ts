import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';

/** A fresh, empty database on the server of `serverUrl`, and how to drop it. */
export interface ScratchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * Creates a database of its own for one test file, so parallel jest workers never share a schema.
 * Dropping it disconnects whatever still uses it.
 */
export async function createScratchDatabase(serverUrl: string): Promise<ScratchDatabase> {
  const name = `stowage_test_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, (db) => sql`create database ${sql.id(name)}`.execute(db));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      onServer(serverUrl, (db) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(db)),
  };
}

async function onServer(serverUrl: string, run: (db: Kysely<unknown>) => Promise<unknown>): Promise<void> {
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new Pool({ connectionString: serverUrl, max: 1 }) }),
  });
  try {
    await run(db);
  } finally {
    await db.destroy();
  }
}
