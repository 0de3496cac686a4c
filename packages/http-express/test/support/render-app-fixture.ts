import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@stowage/adapter-fs';
import { createTestMetadataStore } from '@stowage/adapter-postgres/testing';
import { SharpImageEngine } from '@stowage/adapter-sharp';
import type { ImageContext, StorageContext } from '@stowage/core';
import sharp from 'sharp';
import supertest from 'supertest';
import { createStorageApp, JoseTokenService } from '../../src';
import { JWT_SECRET, jwtFor } from './caller-tokens';

export interface RenderLimits {
  readonly maxSize?: number;
  readonly maxSourceBytes?: number;
  readonly maxPixels?: number;
}

/**
 * The app with image transformation on sharp, over Postgres (PGlite without DATABASE_URL) so policies
 * decide, and the filesystem blob store in a fresh directory; `cleanup` drops both.
 */
export async function renderAppFixture(limits: RenderLimits = {}) {
  const made = await createTestMetadataStore(process.env.DATABASE_URL);
  const root = await mkdtemp(join(tmpdir(), 'stowage-render-'));
  const context: StorageContext = {
    metadata: made.store,
    blobs: new FsBlobStore({ root }),
    tokens: new JoseTokenService({ jwtSecret: JWT_SECRET }),
    settings: { tenantId: 'stub', uploadFileSizeLimit: null, signedUploadExpiresIn: 7200 },
  };
  const images: ImageContext = {
    engine: new SharpImageEngine({ maxPixels: limits.maxPixels ?? 40_000_000, concurrency: 2 }),
    settings: {
      minSize: 1,
      maxSize: limits.maxSize ?? 2000,
      maxSourceBytes: limits.maxSourceBytes ?? 10_000_000,
    },
  };
  const app = createStorageApp({ context, images });
  const service = `Bearer ${await jwtFor({ role: 'service_role' })}`;
  const cleanup = async () => {
    await made.cleanup();
    await rm(root, { recursive: true, force: true });
  };
  return { app, context, images, db: made.store.db, root, request: supertest(app), service, cleanup };
}

/** A photo-like image (noise, so that quality matters) of the given size and format. */
export function testImage(width: number, height: number, format: 'jpeg' | 'png' | 'webp' = 'jpeg') {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .toFormat(format)
    .toBuffer();
}

/** Width, height and format of encoded image bytes. */
export async function dimensionsOf(bytes: Buffer) {
  const { width, height, format } = await sharp(bytes).metadata();
  return { width, height, format };
}
