import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { FsBlobStore } from '@stowage/adapter-fs';
import { createPostgresMetadataStore } from '@stowage/adapter-postgres';
import { createScratchDatabase } from '@stowage/adapter-postgres/testing';
import { S3BlobStore } from '@stowage/adapter-s3';
import { type S3rverProcess, startS3rver } from '@stowage/adapter-s3/testing';
import { type BlobStore, blobKey, type MetadataStore, newVersion, systemScope } from '@stowage/core';

const CLI = path.join(__dirname, '../src/cli.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

/** One object to seed: its name and bytes. */
export interface SeedObject {
  readonly name: string;
  readonly bytes: Buffer;
}

export interface Seeded extends SeedObject {
  readonly bucketId: string;
  readonly key: string;
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * What `stowage migrate-blobs` works on, as a user would have it: a database (a scratch database on the
 * Postgres at DATABASE_URL, else PGlite in the data directory), the file backend in the data directory,
 * and a real s3rver in its own process.
 */
export interface MigrationWorld {
  readonly env: NodeJS.ProcessEnv;
  readonly file: BlobStore;
  readonly s3: BlobStore;
  readonly s3rver: S3rverProcess;
  /** Opens the metadata store; close it before running the command (PGlite is single-process). */
  openMetadata(): Promise<MetadataStore>;
  /** Runs the command with these arguments (and environment changes; undefined unsets) to the end. */
  run(args: readonly string[], envChanges?: NodeJS.ProcessEnv): Promise<CliRun>;
  /** Starts the command and gives the process, for tests that kill it. */
  spawn(args: readonly string[]): ChildProcess;
  close(): Promise<void>;
}

export async function createMigrationWorld(): Promise<MigrationWorld> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'stowage-migrate-'));
  const scratch = process.env.DATABASE_URL
    ? await createScratchDatabase(process.env.DATABASE_URL)
    : undefined;
  const s3rver = await startS3rver();
  const options = s3rver.options();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: scratch?.url,
    STOWAGE_DATA_DIR: dataDir,
    STORAGE_S3_BUCKET: options.bucket,
    STORAGE_S3_ENDPOINT: options.endpoint,
    AWS_ACCESS_KEY_ID: options.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.secretAccessKey,
    LOG_LEVEL: 'warn',
  };
  if (!scratch) delete env.DATABASE_URL;
  return {
    env,
    file: new FsBlobStore({ root: path.join(dataDir, 'objects', options.bucket) }),
    s3: new S3BlobStore(options),
    s3rver,
    openMetadata: () =>
      createPostgresMetadataStore(
        scratch ? { databaseUrl: scratch.url } : { pgliteDataDir: path.join(dataDir, 'pg') },
      ),
    spawn: (args) => spawnStowage(args, env),
    run: (args, envChanges = {}) => runStowage(args, { ...env, ...envChanges }),
    close: async () => {
      await s3rver.stop();
      await scratch?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the command as `pnpm stowage` does, in one process (`--import tsx`, not tsx's own launcher, whose
 * child would survive a SIGKILL of the launcher).
 */
export function spawnStowage(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, CLI, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the command to the end. */
export function runStowage(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawnStowage(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Creates the bucket and writes each object as an upload does: the blob, then its row. */
export async function seed(
  metadata: MetadataStore,
  blobs: BlobStore,
  bucketId: string,
  objects: readonly SeedObject[],
  concurrency = 8,
): Promise<Seeded[]> {
  const scope = systemScope('test.seed');
  await metadata.transaction(scope, (tx) =>
    tx.createBucket({
      id: bucketId,
      name: bucketId,
      owner: null,
      ownerId: null,
      public: false,
      fileSizeLimit: null,
      allowedMimeTypes: null,
    }),
  );
  const seeded: Seeded[] = [];
  const queue = [...objects];
  const worker = async () => {
    for (let object = queue.shift(); object; object = queue.shift()) {
      const version = newVersion();
      const key = blobKey({ tenantId: 'stub', bucketId, key: object.name, version });
      const { etag, size } = await blobs.put(key, Readable.from([object.bytes]));
      await metadata.transaction(scope, (tx) =>
        tx.insertObject({
          bucketId,
          name: object.name,
          owner: null,
          ownerId: null,
          version,
          metadata: {
            eTag: `"${etag}"`,
            size,
            mimetype: 'application/octet-stream',
            cacheControl: 'no-cache',
            lastModified: new Date().toUTCString(),
            contentLength: size,
            httpStatusCode: 200,
          },
          userMetadata: null,
        }),
      );
      seeded.push({ ...object, bucketId, key });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return seeded;
}

/** A blob's bytes, read whole (test objects are small). */
export async function bytesOf(blobs: BlobStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.get(key)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
