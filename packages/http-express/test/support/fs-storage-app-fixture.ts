import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@stowage/adapter-fs';
import type { StorageContext } from '@stowage/core';
import { MemoryMetadataStore } from '@stowage/core/testing';
import supertest from 'supertest';
import { createStorageApp, JoseTokenService } from '../../src';
import { JWT_SECRET, jwtFor } from './storage-app-fixture';

/** The app over the real filesystem blob store in a fresh temp dir; `cleanup` removes the dir. */
export async function fsStorageAppFixture() {
  const root = await mkdtemp(join(tmpdir(), 'stowage-http-keys-'));
  const context: StorageContext = {
    metadata: new MemoryMetadataStore(),
    blobs: new FsBlobStore({ root }),
    tokens: new JoseTokenService({ jwtSecret: JWT_SECRET }),
    settings: { tenantId: 'stub', uploadFileSizeLimit: null, signedUploadExpiresIn: 7200 },
  };
  const app = createStorageApp({ context });
  const service = `Bearer ${await jwtFor({ role: 'service_role' })}`;
  const cleanup = () => rm(root, { recursive: true, force: true });
  return { app, context, root, request: supertest(app), service, cleanup };
}

/** A key path as the Dart client sends it: each segment percent-encoded, sub-delimiters left raw. */
export const dartPath = (key: string): string =>
  key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(/%(24|26|2B|2C|3B|3D|3A|40)/g, (subDelimiter) =>
        decodeURIComponent(subDelimiter),
      ),
    )
    .join('/');

/** A form as the Dart client builds it: text fields first, then the file part named "" with filename="". */
export function dartForm(boundary: string, bytes: Buffer, contentType: string): Buffer {
  const head = [
    `--${boundary}`,
    'content-disposition: form-data; name="cacheControl"',
    '',
    '3600',
    `--${boundary}`,
    'content-disposition: form-data; name="metadata"',
    '',
    '{"from":"dart"}',
    `--${boundary}`,
    `content-type: ${contentType}`,
    'content-disposition: form-data; name=""; filename=""',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
}
