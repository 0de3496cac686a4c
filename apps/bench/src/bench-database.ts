import { createPostgresMetadataStore } from '@stowage/adapter-postgres';
import { createScratchDatabase } from '@stowage/adapter-postgres/testing';
import { sql } from 'kysely';

/** The database the server under test uses: a fresh one, migrated, with the bench user's policies. */
export interface BenchDatabase {
  /** `DATABASE_URL` for the server; undefined on embedded PGlite. */
  readonly databaseUrl?: string;
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
  return { databaseUrl: scratch?.url, drop: async () => scratch?.drop() };
}
