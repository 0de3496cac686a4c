import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredObject } from '../domain/stored-object';
import { isStorageError } from '../errors';
import type { BlobHead } from '../ports/blob-store';
import { everyObject } from './every-object';
import { type BlobMigration, type BlobOutcome, type MigrationMode, migrateBlob } from './migrate-blob';
import { objectBlobKey } from './object-blob-key';

export interface MigrateBlobsOptions {
  readonly mode: MigrationMode;
  /** Objects in flight at once; memory is about this many S3 parts (8 MiB each by default). */
  readonly concurrency: number;
  /** Stop at the first failed object; otherwise failures are recorded and the others go on. */
  readonly failFast: boolean;
  /** Aborting stops starting new objects; those in flight finish. */
  readonly signal?: AbortSignal;
  /** Called once per object, when it is done with. */
  readonly onBlob?: (report: BlobReport) => void;
}

export interface BlobReport {
  readonly bucketId: string;
  readonly name: string;
  readonly key: string;
  readonly outcome: BlobOutcome | 'failed';
  readonly bytesCopied: number;
  /** Why it failed. */
  readonly error?: string;
}

export interface MigrationSummary {
  readonly counts: Readonly<Record<BlobOutcome | 'failed', number>>;
  readonly bytesCopied: number;
  readonly failures: readonly BlobReport[];
  /** Why the run ended before the last object, if it did. */
  readonly stopped?: string;
}

/**
 * Copies (or checks) the blob of every object row from one blob store to another, `concurrency` at a
 * time, asking the destination about each page of rows at once (`headMany`). Resumable: a blob already
 * at the destination with the same bytes is skipped, so a re-run after an interruption redoes only what
 * was not finished. An object that meets a transient backend error is tried again twice; a backend still
 * failing then stops the run, since every object after it would fail the same way.
 */
export async function migrateBlobs(
  migration: BlobMigration,
  options: MigrateBlobsOptions,
): Promise<MigrationSummary> {
  const counts = { copied: 0, replaced: 0, present: 0, 'would-copy': 0, verified: 0, vanished: 0, failed: 0 };
  const failures: BlobReport[] = [];
  const context = { settings: { tenantId: migration.tenantId } };
  let bytesCopied = 0;
  let stopped: string | undefined;

  const migrate = async (object: StoredObject, key: string, destinationHead: BlobHead | undefined) => {
    const where = { bucketId: object.bucketId, name: object.name, key };
    let report: BlobReport;
    try {
      const done = await withRetries(() =>
        migrateBlob(migration, object, key, options.mode, destinationHead),
      );
      report = { ...where, ...done };
      bytesCopied += done.bytesCopied;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      report = { ...where, outcome: 'failed', bytesCopied: 0, error: message };
      failures.push(report);
      if (options.failFast) stopped ??= 'stopped at the first failure (--fail-fast)';
      if (transient(error)) stopped ??= `stopped: ${message}`;
    }
    counts[report.outcome] += 1;
    options.onBlob?.(report);
  };

  const inFlight = new Set<Promise<void>>();
  pages: for await (const page of everyObject(migration.metadata)) {
    const keys = page.map((object) => objectBlobKey(context, object));
    let heads: (BlobHead | undefined)[];
    try {
      heads = await withRetries(() => migration.destination.headMany(keys));
    } catch (error) {
      stopped ??= `stopped: the destination could not be listed: ${error instanceof Error ? error.message : String(error)}`;
      break;
    }
    for (const [index, object] of page.entries()) {
      if (options.signal?.aborted) stopped ??= 'interrupted';
      if (stopped !== undefined) break pages;
      const task: Promise<void> = migrate(object, keys[index] as string, heads[index]).finally(() =>
        inFlight.delete(task),
      );
      inFlight.add(task);
      if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    }
  }
  await Promise.all(inFlight);
  return { counts, bytesCopied, failures, ...(stopped !== undefined && { stopped }) };
}

/** Pauses before the second and third attempts at an object that met a transient backend error. */
const RETRY_DELAYS_MS = [500, 2000];

const transient = (error: unknown): boolean =>
  isStorageError(error, 'BackendUnavailable') || isStorageError(error, 'DatabaseTimeout');

/**
 * Tries an object again after a 5xx, a timeout or a refused connection (the blob stores do not retry
 * themselves); copying again is safe, since a blob write replaces the whole blob or nothing.
 */
async function withRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (!transient(error) || delay === undefined) throw error;
      await sleep(delay);
    }
  }
}
