import type { PostgresConfig } from '../config';
import { createPostgresMetadataStore, type PostgresMetadataStore } from '../postgres-metadata-store';
import { createScratchDatabase } from './scratch-database';

export interface TestMetadataStore {
  readonly store: PostgresMetadataStore;
  /** Closes the store and drops its scratch database, if it has one. */
  readonly cleanup: () => Promise<void>;
}

/**
 * A migrated store for tests: on the Postgres server at `databaseUrl` (a fresh database of its own) when
 * one is given — tests pass `process.env.DATABASE_URL` — and on in-memory PGlite otherwise.
 */
export async function createTestMetadataStore(
  databaseUrl: string | undefined,
  config: Omit<PostgresConfig, 'databaseUrl' | 'pgliteDataDir'> = {},
): Promise<TestMetadataStore> {
  if (!databaseUrl) {
    const store = await createPostgresMetadataStore(config);
    return { store, cleanup: () => store.close() };
  }
  const scratch = await createScratchDatabase(databaseUrl);
  try {
    const store = await createPostgresMetadataStore({ ...config, databaseUrl: scratch.url });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await scratch.drop();
      },
    };
  } catch (error) {
    await scratch.drop();
    throw error;
  }
}
