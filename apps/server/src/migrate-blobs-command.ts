import {
  type BlobMigration,
  countObjects,
  type MigrationMode,
  type MigrationSummary,
  migrateBlobs,
} from '@stowage/core';
import { type Config, loadConfig } from './config';
import { createBlobStore, fileBackendRoot, openMetadataStore } from './container';
import { EXIT } from './exit-codes';
import { MigrationProgress } from './migration-progress';

export type Backend = 'file' | 's3';

export interface MigrateBlobsArguments {
  readonly from: Backend;
  readonly to: Backend;
  readonly dryRun: boolean;
  readonly verifyOnly: boolean;
  readonly concurrency: number;
  readonly failFast: boolean;
  readonly fileBucket?: string;
}

/**
 * `stowage migrate-blobs`: copies the blob of every object from one backend to the other, as configured
 * by the server's environment, and reports. Resolves with the exit code.
 */
export async function migrateBlobsCommand(args: MigrateBlobsArguments): Promise<number> {
  const usesS3 = args.from === 's3' || args.to === 's3';
  let config: Config;
  try {
    config = loadConfig(usesS3 ? { ...process.env, STORAGE_BACKEND: 's3' } : process.env);
  } catch (error) {
    process.stderr.write(`stowage migrate-blobs: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  const fileConfig: Config = { ...config, STORAGE_S3_BUCKET: args.fileBucket ?? config.STORAGE_S3_BUCKET };
  const storeOf = (backend: Backend) => createBlobStore(backend === 'file' ? fileConfig : config, backend);
  const mode: MigrationMode = args.dryRun ? 'dry-run' : args.verifyOnly ? 'verify-only' : 'copy';
  const metadata = await openMetadataStore(config);
  const migration: BlobMigration = {
    metadata,
    source: await storeOf(args.from),
    destination: await storeOf(args.to),
    tenantId: config.TENANT_ID,
  };
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('\nInterrupted: finishing the objects in flight (Ctrl-C again to quit now)\n');
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    out(`${mode}: from ${describeBackend(fileConfig, config, args.from)}`);
    out(`${' '.repeat(mode.length)}    to ${describeBackend(fileConfig, config, args.to)}`);
    out(
      `metadata: ${config.DATABASE_URL ? 'Postgres at DATABASE_URL' : `embedded PGlite in ${config.STOWAGE_DATA_DIR}`}`,
    );
    const total = await countObjects(metadata);
    const progress = new MigrationProgress();
    const started = Date.now();
    progress.start(total.objects);
    const summary = await migrateBlobs(migration, {
      mode,
      concurrency: args.concurrency,
      failFast: args.failFast,
      signal: interrupt.signal,
      onBlob: (report) => progress.advance(report),
    }).finally(() => progress.stop());
    report(out, summary, (Date.now() - started) / 1000);
    if (summary.stopped === 'interrupted') return EXIT.interrupted;
    return summary.failures.length > 0 || summary.stopped !== undefined ? EXIT.failed : EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await metadata.close();
  }
}

function describeBackend(fileConfig: Config, config: Config, backend: Backend): string {
  if (backend === 'file') return `file backend at ${fileBackendRoot(fileConfig)}`;
  return `s3 backend, bucket ${config.STORAGE_S3_BUCKET} at ${config.STORAGE_S3_ENDPOINT}`;
}

function report(out: (line: string) => void, summary: MigrationSummary, seconds: number): void {
  const { counts } = summary;
  const objects = Object.values(counts).reduce((sum, count) => sum + count, 0);
  const parts = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`);
  out(
    `${objects} objects in ${seconds.toFixed(1)} s (${(objects / Math.max(seconds, 0.001)).toFixed(0)} objects/s): ` +
      `${parts.join(', ') || 'nothing to do'}; ${summary.bytesCopied} bytes copied`,
  );
  for (const failure of summary.failures)
    out(`FAILED ${failure.bucketId}/${failure.name} (blob ${failure.key}): ${failure.error}`);
  if (summary.stopped) out(summary.stopped);
}
