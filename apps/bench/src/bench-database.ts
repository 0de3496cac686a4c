import { createPostgresMetadataStore } from '@stowage/adapter-postgres';
import { createScratchDatabase } from '@stowage/adapter-postgres/testing';
import { sql } from 'kysely';
import { Client } from 'pg';
import { cpuMs } from './process-stats';

/** The database the server under test uses: a fresh one, migrated, with the bench user's policies. */
export interface BenchDatabase {
  /** `DATABASE_URL` for the server; undefined on embedded PGlite. */
  readonly databaseUrl?: string;
  /**
   * The CPU time, in ms, that each Postgres backend serving the database has used so far; undefined on
   * PGlite, which runs in the server's own process, and when the backends are not processes of this
   * machine.
   */
  backendCpu?(): Promise<Map<number, number> | undefined>;
  /**
   * Does what autovacuum would have done by now, where the server runs without it: without fresh
   * statistics, a plan that a pooled connection prepared while the table was empty is never replanned.
   */
  tidy?(): Promise<void>;
  drop(): Promise<void>;
}

export type DatabaseKind = 'postgres' | 'pglite';

/**
 * Creates and migrates the database before the server starts (the server then finds its schema current),
 * and installs owner-only policies for `authenticated`, so the user's requests are decided by RLS.
 */
export async function prepareBenchDatabase(
  kind: DatabaseKind,
  serverUrl: string,
  pgliteDataDir: string,
): Promise<BenchDatabase> {
  const scratch = kind === 'postgres' ? await createScratchDatabase(serverUrl) : undefined;
  try {
    const store = await createPostgresMetadataStore(
      scratch ? { databaseUrl: scratch.url, poolSize: 1 } : { pgliteDataDir },
    );
    try {
      const own = sql`owner_id = (select auth.jwt() ->> 'sub')`;
      await sql`create policy bench_select on storage.objects for select to authenticated using (${own})`.execute(
        store.db,
      );
      await sql`create policy bench_insert on storage.objects for insert to authenticated with check (${own})`.execute(
        store.db,
      );
      await sql`create policy bench_update on storage.objects for update to authenticated using (${own}) with check (${own})`.execute(
        store.db,
      );
      await sql`create policy bench_delete on storage.objects for delete to authenticated using (${own})`.execute(
        store.db,
      );
    } finally {
      await store.close();
    }
  } catch (error) {
    await scratch?.drop();
    throw error;
  }
  if (!scratch) return { drop: async () => undefined };
  const observer = new Client({ connectionString: serverUrl });
  await observer.connect();
  const name = decodeURIComponent(new URL(scratch.url).pathname.slice(1));
  const { rows: settings } = await observer.query<{ autovacuum: string }>('show autovacuum');
  const tidy = async () => {
    const maintainer = new Client({ connectionString: scratch.url });
    await maintainer.connect();
    try {
      await maintainer.query('vacuum analyze storage.objects');
    } finally {
      await maintainer.end();
    }
  };
  return {
    ...(settings[0]?.autovacuum === 'off' && { tidy }),
    databaseUrl: scratch.url,
    async backendCpu() {
      const { rows } = await observer.query<{ pid: number }>(
        "select pid from pg_stat_activity where datname = $1 and backend_type = 'client backend'",
        [name],
      );
      // A backend may end between the query and its read; none readable means they are not ours to read.
      const read = new Map<number, number>();
      for (const { pid } of rows) {
        try {
          read.set(pid, cpuMs(pid));
        } catch {}
      }
      return rows.length > 0 && read.size === 0 ? undefined : read;
    },
    async drop() {
      await observer.end();
      await scratch.drop();
    },
  };
}
