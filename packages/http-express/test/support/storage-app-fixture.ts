import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@stowage/adapter-fs';
import type { PostgresMetadataStore } from '@stowage/adapter-postgres';
import { createTestMetadataStore, type TestMetadataStore } from '@stowage/adapter-postgres/testing';
import { S3BlobStore } from '@stowage/adapter-s3';
import { type S3rverProcess, startS3rver } from '@stowage/adapter-s3/testing';
import type { BlobStore, StorageContext } from '@stowage/core';
import { sql } from 'kysely';
import { Client } from 'minio';
import supertest from 'supertest';
import { createStorageApp, JoseTokenService } from '../../src';
import { JWT_SECRET, jwtFor } from './caller-tokens';
import { ScopeRecordingStore } from './scope-recording-store';

export { JWT_SECRET, jwtFor };

/** The blob backends every HTTP suite runs on, once each (`describe.each(blobBackends)`). */
export const blobBackends = ['file', 's3'] as const;
export type BlobBackend = (typeof blobBackends)[number];

// One database and one s3rver per test file (jest gives each file its own module registry), started
// before the file's first test, outside any test's timeout (PGlite takes seconds to start on a busy
// machine), and stopped after its last.
let database: Promise<TestMetadataStore> | undefined;
let s3rver: Promise<S3rverProcess> | undefined;
const blobRoots: string[] = [];
let tenants = 0;

beforeAll(async () => {
  s3rver = startS3rver();
  await Promise.all([testMetadataStore(), s3rver]);
}, 180_000);

afterAll(async () => {
  await Promise.all(blobRoots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
  await Promise.all([database?.then((made) => made.cleanup()), s3rver?.then((server) => server.stop())]);
});

/**
 * The file's metadata store: migrated Postgres with RLS, on PGlite without `DATABASE_URL` and on a fresh
 * database of that server with it. Tests add their policies through `store.db`.
 */
export async function testMetadataStore(): Promise<PostgresMetadataStore> {
  database ??= createTestMetadataStore(process.env.DATABASE_URL);
  return (await database).store;
}

async function blobStoreOn(backend: BlobBackend, tenantId: string) {
  if (backend === 'file') {
    const root = await mkdtemp(join(tmpdir(), 'stowage-http-'));
    blobRoots.push(root);
    const blobs: BlobStore = new FsBlobStore({ root });
    const stored = async () =>
      (await readdir(root, { recursive: true, withFileTypes: true }))
        // `~m<version>` beside a blob holds its etag (adapter-fs's own namespace), not a blob.
        .filter((entry) => entry.isFile() && !entry.name.startsWith('~m'))
        .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1));
    return { blobs, stored };
  }
  if (!s3rver) throw new Error('the s3 backend is used before the s3rver started');
  const server = await s3rver;
  const options = server.options();
  const { hostname, port } = new URL(server.endpoint);
  const client = new Client({
    endPoint: hostname,
    port: Number(port),
    useSSL: false,
    accessKey: options.accessKeyId,
    secretKey: options.secretAccessKey,
  });
  const stored = async () => {
    const names: string[] = [];
    for await (const item of client.listObjectsV2(server.bucket, `${tenantId}/`, true)) {
      if (item.name) names.push(item.name);
    }
    return names;
  };
  return { blobs: new S3BlobStore(options) as BlobStore, stored };
}

/**
 * Truncates the buckets and every table that refers to them. A request the last test left to finish (an
 * upload's insert, whose foreign key check waits for the truncate's lock on buckets) can make Postgres
 * break a deadlock by failing the truncate: it then runs again.
 */
async function emptied(db: PostgresMetadataStore['db']): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await sql`truncate storage.buckets cascade`.execute(db);
      return;
    } catch (error) {
      if (attempt === 3 || (error as { code?: string }).code !== '40P01') throw error;
    }
  }
}

/**
 * The app on the real metadata store (emptied first: every fixture starts with no buckets) and the given
 * blob backend, under a tenant of its own, with service_role and authenticated bearer headers ready.
 * `storedBlobs` lists what the blob backend holds for this app. The metadata store records the scopes
 * the routes hand their use cases.
 */
export async function storageAppFixture(
  backend: BlobBackend,
  settings: Partial<StorageContext['settings']> = {},
) {
  const store = await testMetadataStore();
  await emptied(store.db);
  const tenantId = `t${++tenants}`;
  const { blobs, stored } = await blobStoreOn(backend, tenantId);
  const metadata = new ScopeRecordingStore(store);
  const context: StorageContext = {
    metadata,
    blobs,
    tokens: new JoseTokenService({ jwtSecret: JWT_SECRET }),
    settings: { tenantId, uploadFileSizeLimit: null, signedUploadExpiresIn: 7200, ...settings },
  };
  const app = createStorageApp({ context });
  const service = `Bearer ${await jwtFor({ role: 'service_role' })}`;
  const user = `Bearer ${await jwtFor({ role: 'authenticated', sub: '8f1b8a52-4a2b-4c71-9d2e-0b1c2d3e4f50' })}`;
  return { app, context, metadata, store, request: supertest(app), service, user, storedBlobs: stored };
}

export type StorageAppFixture = Awaited<ReturnType<typeof storageAppFixture>>;
