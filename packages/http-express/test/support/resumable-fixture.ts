import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@stowage/adapter-fs';
import { createPostgresMetadataStore } from '@stowage/adapter-postgres';
import { createScratchDatabase } from '@stowage/adapter-postgres/testing';
import { S3BlobStore } from '@stowage/adapter-s3';
import { startS3rver } from '@stowage/adapter-s3/testing';
import type { BlobStore, StorageContext } from '@stowage/core';
import { createStorageApp, JoseTokenService, type ResumableSettings } from '../../src';
import { JWT_SECRET, jwtFor } from './storage-app-fixture';

export type Backend = 'fs' | 's3';

/** One running server instance; `stop` ends it as a crash would, cutting open connections. */
export interface Instance {
  readonly url: string;
  readonly context: StorageContext;
  stop(): Promise<void>;
}

const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );

async function blobStoreFor(
  backend: Backend,
): Promise<{ blobs: BlobStore; root?: string; cleanup: () => Promise<void> }> {
  if (backend === 's3') {
    const s3rver = await startS3rver();
    return { blobs: new S3BlobStore(s3rver.options()), cleanup: () => s3rver.stop() };
  }
  const root = await mkdtemp(join(tmpdir(), 'stowage-tus-'));
  return {
    blobs: new FsBlobStore({ root }),
    root,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * Server instances sharing one database and one blob store, as a deployment behind a load balancer.
 * On Postgres (DATABASE_URL) each instance has a store of its own on one scratch database; PGlite has a
 * single connection, so there the instances share one store.
 */
export async function resumableFixture(backend: Backend) {
  const expiresInMs = 3_600_000;
  const databaseUrl = process.env.DATABASE_URL;
  const scratch = databaseUrl ? await createScratchDatabase(databaseUrl) : undefined;
  const shared = await createPostgresMetadataStore({ databaseUrl: scratch?.url });
  const { blobs, root, cleanup: cleanupBlobs } = await blobStoreFor(backend);
  const tokens = new JoseTokenService({ jwtSecret: JWT_SECRET });
  const settings = { tenantId: 'stub', uploadFileSizeLimit: null, signedUploadExpiresIn: 7200 };
  const running = new Set<Instance>();

  const startInstance = async (
    options: Pick<ResumableSettings, 'allowForwardedPrefix'> = {},
  ): Promise<Instance> => {
    const metadata = scratch ? await createPostgresMetadataStore({ databaseUrl: scratch.url }) : shared;
    const context: StorageContext = { metadata, blobs, tokens, settings };
    const app = createStorageApp({
      context,
      resumable: { uploads: metadata.resumableUploads, expiresInMs, ...options },
    });
    const server = createServer(app);
    const url = await listen(server);
    const instance: Instance = {
      url,
      context,
      stop: async () => {
        running.delete(instance);
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        if (metadata !== shared) await metadata.close();
      },
    };
    running.add(instance);
    return instance;
  };

  const cleanup = async () => {
    for (const instance of running) await instance.stop();
    await shared.close();
    await scratch?.drop();
    await cleanupBlobs();
  };

  return {
    store: shared,
    blobs,
    /** The file backend's root directory. */
    blobRoot: root ?? '',
    startInstance,
    cleanup,
    service: `Bearer ${await jwtFor({ role: 'service_role' })}`,
    user: (sub: string) => jwtFor({ role: 'authenticated', sub }).then((jwt) => `Bearer ${jwt}`),
  };
}
