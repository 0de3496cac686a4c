import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type Kysely, sql } from 'kysely';
import { createPostgresMetadataStore, type MigrationSession, migrate, readMigrations } from '../src';
import { postgresConfigSchema } from '../src/config';
import { openDatabase } from '../src/open-database';
import { createScratchDatabase } from '../src/testing';

const databaseUrl = process.env.DATABASE_URL;
const onPostgres = databaseUrl ? describe : describe.skip;

const pgliteSession = (pglite: PGlite): MigrationSession => ({
  query: async (text, values) =>
    (await pglite.query<Record<string, unknown>>(text, values as unknown[])).rows,
  exec: async (script) => {
    await pglite.exec(script);
  },
  release: async () => undefined,
});

const roles = async <DB>(db: Kysely<DB>) =>
  (
    await sql<{ rolname: string; rolbypassrls: boolean }>`
      select rolname, rolbypassrls from pg_roles
      where rolname in ('anon', 'authenticated', 'service_role') order by rolname`.execute(db)
  ).rows;

const recorded = async <DB>(db: Kysely<DB>) =>
  (await sql<{ name: string }>`select name from storage.migrations order by id`.execute(db)).rows.map(
    (row) => row.name,
  );

describe('migrations on embedded PGlite', () => {
  it('run once per data directory, creating it and the roles (service_role bypassing RLS)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stowage-pglite-'));
    // A first start: neither the data directory nor its parent exists yet.
    const dataDir = join(dir, 'data', 'pg');
    try {
      const first = await createPostgresMetadataStore({ pgliteDataDir: dataDir });
      expect(await roles(first.db)).toEqual([
        { rolname: 'anon', rolbypassrls: false },
        { rolname: 'authenticated', rolbypassrls: false },
        { rolname: 'service_role', rolbypassrls: true },
      ]);
      await first.close();
      const again = await createPostgresMetadataStore({ pgliteDataDir: dataDir });
      expect(await recorded(again.db)).toEqual((await readMigrations()).map((migration) => migration.name));
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('create no roles when told not to, and still build the schema', async () => {
    const store = await createPostgresMetadataStore({ installRoles: false });
    try {
      expect(await roles(store.db)).toEqual([]);
      const { rows } = await sql<{
        count: number;
      }>`select count(*)::int as count from storage.objects`.execute(store.db);
      expect(rows).toEqual([{ count: 0 }]);
    } finally {
      await store.close();
    }
  });

  it('leave existing roles and an existing auth schema alone, and refuse a changed migration', async () => {
    const pglite = new PGlite();
    try {
      await pglite.exec(`
        create role anon nologin connection limit 7;
        create schema auth;
        create function auth.uid() returns uuid language sql as $$ select '00000000-0000-4000-8000-000000000000'::uuid $$;
      `);
      const migrations = await readMigrations();
      expect(await migrate(pgliteSession(pglite), { installRoles: true, migrations })).toHaveLength(
        migrations.length,
      );
      const existing = await pglite.query(
        `select rolname, rolconnlimit from pg_roles where rolname in ('anon', 'authenticated') order by rolname`,
      );
      expect(existing.rows).toEqual([
        { rolname: 'anon', rolconnlimit: 7 },
        { rolname: 'authenticated', rolconnlimit: -1 },
      ]);
      const auth = await pglite.query(
        `select auth.uid()::text as uid, to_regprocedure('auth.role()') as role`,
      );
      expect(auth.rows).toEqual([{ uid: '00000000-0000-4000-8000-000000000000', role: null }]);

      expect(await migrate(pgliteSession(pglite), { installRoles: true, migrations })).toEqual([]);
      const changed = migrations.map((migration, i) =>
        i === 0 ? { ...migration, hash: 'changed' } : migration,
      );
      await expect(
        migrate(pgliteSession(pglite), { installRoles: true, migrations: changed }),
      ).rejects.toThrow(/was changed after it was applied/);
    } finally {
      await pglite.close();
    }
  });
});

onPostgres('migrations on Postgres', () => {
  it('let migrators starting at once wait for each other, each migration applied once', async () => {
    const scratch = await createScratchDatabase(databaseUrl as string);
    const databases = [1, 2, 3].map(() =>
      openDatabase(postgresConfigSchema.parse({ databaseUrl: scratch.url })),
    );
    const sessions = await Promise.all(databases.map((database) => database.migrationSession()));
    try {
      const applied = await Promise.all(sessions.map((session) => migrate(session, { installRoles: true })));
      const names = (await readMigrations()).map((migration) => migration.name);
      expect(applied.filter((run) => run.length > 0)).toEqual([names]);
      expect(await recorded((databases[0] as (typeof databases)[number]).db)).toEqual(names);
    } finally {
      await Promise.all(sessions.map((session) => session.release()));
      await Promise.all(databases.map((database) => database.close()));
      await scratch.drop();
    }
  });

  it('apply nothing when a store starts again on a migrated database', async () => {
    const scratch = await createScratchDatabase(databaseUrl as string);
    try {
      await (await createPostgresMetadataStore({ databaseUrl: scratch.url })).close();
      const again = await createPostgresMetadataStore({ databaseUrl: scratch.url });
      expect(await recorded(again.db)).toEqual((await readMigrations()).map((migration) => migration.name));
      await again.close();
    } finally {
      await scratch.drop();
    }
  });
});
