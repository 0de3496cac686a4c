import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { FsBlobStore } from '@stowage/adapter-fs';
import { createTestMetadataStore } from '@stowage/adapter-postgres/testing';
import type { StorageContext } from '@stowage/core';
import { Client as MinioClient } from 'minio';
import supertest from 'supertest';
import { createStorageApp, JoseTokenService } from '../../src';
import { JWT_SECRET, jwtFor } from './caller-tokens';

export const ACCESS_KEY_ID = 'stowage-test-key';
export const SECRET_ACCESS_KEY = 'stowage-test-secret-0123456789abcdef';
export const REGION = 'us-east-1';

/**
 * minio-js cannot put a path in its endpoint: this transport sends its requests under `/s3`, exactly as
 * a reverse proxy mounting the endpoint would, signatures untouched.
 */
const underS3: Pick<typeof http, 'request'> = {
  request: ((options: http.RequestOptions, callback?: (res: http.IncomingMessage) => void) =>
    http.request({ ...options, path: `/s3${options.path ?? '/'}` }, callback)) as typeof http.request,
};

/**
 * A listening server (port 0) with `/s3` over the real metadata store (PGlite, or the Postgres at
 * DATABASE_URL) and a file blob store in a temp dir, and SDK clients for it: `s3()` (@aws-sdk/client-s3)
 * and `minio()`, with the service key pair by default or any credentials given.
 */
export async function s3ServerFixture(settings: Partial<StorageContext['settings']> = {}) {
  const made = await createTestMetadataStore(process.env.DATABASE_URL);
  const root = await mkdtemp(join(tmpdir(), 'stowage-s3-'));
  const context: StorageContext = {
    metadata: made.store,
    blobs: new FsBlobStore({ root }),
    tokens: new JoseTokenService({ jwtSecret: JWT_SECRET }),
    settings: { tenantId: 'stub', uploadFileSizeLimit: null, signedUploadExpiresIn: 7200, ...settings },
  };
  const anonKey = await jwtFor({ role: 'anon' });
  const app = createStorageApp({
    context,
    s3: {
      accessKey: { id: ACCESS_KEY_ID, secret: SECRET_ACCESS_KEY },
      sessionTokenSecret: anonKey,
      uploads: made.store.multipartUploads,
    },
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const service = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY };
  const clients: S3Client[] = [];
  const servers: http.Server[] = [];

  return {
    context,
    store: made.store,
    root,
    origin,
    anonKey,
    rest: supertest(origin),
    serviceBearer: `Bearer ${await jwtFor({ role: 'service_role' })}`,
    s3(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = service) {
      const client = new S3Client({
        endpoint: `${origin}/s3`,
        region: REGION,
        forcePathStyle: true,
        credentials,
      });
      clients.push(client);
      return client;
    },
    minio(
      credentials: { accessKey: string; secretKey: string; sessionToken?: string } = {
        accessKey: ACCESS_KEY_ID,
        secretKey: SECRET_ACCESS_KEY,
      },
      partSize?: number,
    ) {
      return new MinioClient({
        ...(partSize !== undefined && { partSize }),
        endPoint: '127.0.0.1',
        port,
        useSSL: false,
        pathStyle: true,
        region: REGION,
        transport: underS3,
        ...credentials,
      });
    },
    /** Session-token credentials of a user: any key id, the anon key as secret, the JWT as token. */
    async userCredentials(sub: string) {
      const sessionToken = await jwtFor({ role: 'authenticated', sub });
      return { accessKeyId: 'project-ref', secretAccessKey: anonKey, sessionToken };
    },
    /** Another server on the same database and blob directory, as a second instance would be. */
    async secondInstance() {
      const other = createStorageApp({
        context,
        s3: {
          accessKey: { id: ACCESS_KEY_ID, secret: SECRET_ACCESS_KEY },
          uploads: made.store.multipartUploads,
        },
      }).listen(0, '127.0.0.1');
      await once(other, 'listening');
      const client = new S3Client({
        endpoint: `http://127.0.0.1:${(other.address() as AddressInfo).port}/s3`,
        region: REGION,
        forcePathStyle: true,
        credentials: service,
      });
      clients.push(client);
      servers.push(other);
      return client;
    },
    async close() {
      for (const other of servers) {
        other.closeAllConnections();
        await new Promise((resolve) => other.close(resolve));
      }
      for (const client of clients) client.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await made.cleanup();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export type S3ServerFixture = Awaited<ReturnType<typeof s3ServerFixture>>;
