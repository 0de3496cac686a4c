/**
 * One database session for the migrator: it must hold its advisory lock and run its scripts on the same
 * connection. Kysely's PGlite driver sends one statement per query, so scripts go through `exec`.
 */
export interface MigrationSession {
  /** One statement with bound values. */
  query(text: string, values?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** A script of several statements, no values. */
  exec(script: string): Promise<void>;
  /** Gives the session back (to the pool, or nothing for PGlite). */
  release(): Promise<void>;
}
