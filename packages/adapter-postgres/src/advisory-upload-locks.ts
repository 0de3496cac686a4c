import { errors, type UploadLock, type UploadLockOptions } from '@stowage/core';
import { Client } from 'pg';

// The first key of every upload lock (the second is the hash of the upload id), apart from the migrator's.
const LOCK_NAMESPACE = 74_510_001;
const POLL_MS = 50;

interface HeldLock {
  readonly onRequested: () => void;
  readonly released: Promise<void>;
}

export interface AdvisoryUploadLocksOptions {
  /** The Postgres server for cross-instance locks; without it (PGlite) locks are this process's only. */
  readonly databaseUrl?: string;
  /** How long a request waits for a lock before DatabaseTimeout. */
  readonly timeoutMs: number;
}

/**
 * Upload locks on session-level advisory locks, so two server instances never write one upload at once
 * and a lock dies with the instance holding it. They live on one dedicated connection, outside the pool
 * and outside any transaction: a lock is held while bytes stream, which must never pin a pooled
 * connection. Requests of this instance take turns in memory first (the session would let them all in).
 */
export class AdvisoryUploadLocks {
  private readonly held = new Map<string, HeldLock>();
  private session?: Promise<Client>;
  /** Statements on the session, one after another (a pg client must not be given two at once). */
  private statements: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: AdvisoryUploadLocksOptions) {}

  async lock(id: string, { signal, onRequested }: UploadLockOptions): Promise<UploadLock> {
    const deadline = Date.now() + this.options.timeoutMs;
    for (let holder = this.held.get(id); holder; holder = this.held.get(id)) {
      holder.onRequested();
      await untilSettled([holder.released], signal, deadline);
    }
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.held.set(id, { onRequested, released });
    const forget = () => {
      if (this.held.get(id)?.released === released) this.held.delete(id);
      release();
    };
    try {
      if (this.options.databaseUrl !== undefined) await this.acquireAcrossInstances(id, signal, deadline);
    } catch (error) {
      forget();
      throw error;
    }
    let done = false;
    return {
      release: async () => {
        if (done) return;
        done = true;
        try {
          if (this.options.databaseUrl !== undefined) await this.releaseAcrossInstances(id);
        } finally {
          forget();
        }
      },
    };
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session) await (await session.catch(() => undefined))?.end();
  }

  private async acquireAcrossInstances(id: string, signal: AbortSignal, deadline: number): Promise<void> {
    for (;;) {
      const client = await this.connection();
      const { rows } = await this.inTurn(() =>
        client.query<{ locked: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as locked', [
          LOCK_NAMESPACE,
          id,
        ]),
      );
      if (rows[0]?.locked) return;
      await untilSettled([new Promise((resolve) => setTimeout(resolve, POLL_MS))], signal, deadline);
    }
  }

  private async releaseAcrossInstances(id: string): Promise<void> {
    const client = await this.session?.catch(() => undefined);
    // A lost session has already given its locks up.
    if (!client) return;
    await this.inTurn(() =>
      client.query('select pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, id]),
    ).catch(() => undefined);
  }

  private inTurn<T>(statement: () => Promise<T>): Promise<T> {
    const turn = this.statements.then(statement);
    this.statements = turn.catch(() => undefined);
    return turn;
  }

  private connection(): Promise<Client> {
    this.session ??= (async () => {
      const client = new Client({ connectionString: this.options.databaseUrl });
      client.on('error', () => {
        this.session = undefined;
      });
      await client.connect();
      return client;
    })().catch((error: unknown) => {
      this.session = undefined;
      throw errors.databaseTimeout(error);
    });
    return this.session;
  }
}

/** Waits for the first of `waits`, rejecting when the signal aborts or the deadline passes. */
async function untilSettled(waits: Promise<unknown>[], signal: AbortSignal, deadline: number): Promise<void> {
  signal.throwIfAborted();
  if (Date.now() >= deadline) throw errors.databaseTimeout();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await Promise.race([
      ...waits,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(errors.databaseTimeout()), deadline - Date.now());
        onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
