import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MigrationSession } from './migration-session';

/** The `.sql` files next to this module, read at run time (tsx, jest and node alike). */
export const MIGRATIONS_DIR = join(__dirname, 'migrations');

/** Our rows in `storage.migrations` carry this prefix, apart from the reference server's own. */
const NAME_PREFIX = 'stowage-';

// Any fixed 64-bit number; advisory locks are per database, so this serialises migrators of one database.
const LOCK_KEY = '7134262019521340401';

export interface Migration {
  readonly name: string;
  readonly sql: string;
  /** sha1 of the file, as the reference records it: a changed migration is refused. */
  readonly hash: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => /^\d{4}-[a-z0-9-]+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (file) => {
      const sql = await readFile(join(dir, file), 'utf8');
      return {
        name: `${NAME_PREFIX}${file.replace(/\.sql$/, '')}`,
        sql,
        hash: createHash('sha1').update(sql).digest('hex'),
      };
    }),
  );
}

const BOOTSTRAP = `
create schema if not exists storage;
create table if not exists storage.migrations (
  id integer primary key,
  name varchar(100) unique not null,
  hash varchar(40) not null,
  executed_at timestamp default current_timestamp
);`;

/**
 * Brings the schema up to date: each migration not yet recorded in `storage.migrations` runs in its own
 * transaction, in order, and is recorded there. Runs under an advisory lock, so instances starting
 * together wait for each other and each migration runs once. Resolves with the names it applied.
 */
export async function migrate(
  session: MigrationSession,
  options: { installRoles: boolean; migrations?: readonly Migration[] },
): Promise<string[]> {
  const migrations = options.migrations ?? (await readMigrations());
  await session.query('select pg_advisory_lock($1::bigint)', [LOCK_KEY]);
  try {
    await session.exec(BOOTSTRAP);
    const applied = new Map(
      (await session.query('select name, hash from storage.migrations')).map((row) => [row.name, row.hash]),
    );
    const ran: string[] = [];
    for (const migration of migrations) {
      const hash = applied.get(migration.name);
      if (hash === undefined) {
        await apply(session, migration, options.installRoles);
        ran.push(migration.name);
      } else if (hash !== migration.hash) {
        throw new Error(`Migration ${migration.name} was changed after it was applied`);
      }
    }
    return ran;
  } finally {
    await session.query('select pg_advisory_unlock($1::bigint)', [LOCK_KEY]);
  }
}

async function apply(session: MigrationSession, migration: Migration, installRoles: boolean): Promise<void> {
  await session.exec('begin');
  try {
    await session.query(`select set_config('stowage.install_roles', $1, true)`, [String(installRoles)]);
    await session.exec(migration.sql);
    await session.query(
      `insert into storage.migrations (id, name, hash)
       select coalesce(max(id), 0) + 1, $1, $2 from storage.migrations`,
      [migration.name, migration.hash],
    );
    await session.exec('commit');
  } catch (error) {
    await session.exec('rollback');
    throw error;
  }
}
