import { z } from 'zod';

/** Options of the Postgres metadata store. */
export const postgresConfigSchema = z.object({
  /** A Postgres server; without it, embedded PGlite. */
  databaseUrl: z.string().min(1).optional(),
  /** PGlite's data directory; without it, an in-memory database. Ignored with `databaseUrl`. */
  pgliteDataDir: z.string().min(1).optional(),
  /** Connections in the pool. */
  poolSize: z.number().int().positive().default(10),
  /** How long a unit of work waits for a pooled connection before DatabaseTimeout. */
  connectionTimeoutMs: z.number().int().positive().default(10_000),
  /** Server-side limit on one statement (`statement_timeout`); none when absent. */
  statementTimeoutMs: z.number().int().positive().optional(),
  /** Create the roles anon, authenticated and service_role when missing (the reference's DB_INSTALL_ROLES). */
  installRoles: z.boolean().default(true),
});

export type PostgresConfig = z.input<typeof postgresConfigSchema>;
export type ParsedPostgresConfig = z.output<typeof postgresConfigSchema>;
