import 'reflect-metadata';
import path from 'node:path';
import { FsBlobStore } from '@stowage/adapter-fs';
import { createPostgresMetadataStore, type QueryObserver } from '@stowage/adapter-postgres';
import { SharpImageEngine } from '@stowage/adapter-sharp';
import type {
  BlobStore,
  ImageContext,
  MultipartUploadStore,
  StorageContext,
  TokenService,
} from '@stowage/core';
import { JoseTokenService, type ResumableSettings } from '@stowage/http-express';
import { container, type DependencyContainer } from 'tsyringe';
import type { Config } from './config';
import { InstrumentedBlobStore } from './instrumented-blob-store';
import { createServerMetrics, type ServerMetrics } from './server-metrics';

/** Injection tokens of the pieces the server wires together. */
export const TOKENS = {
  config: Symbol('Config'),
  metadata: Symbol('MetadataStore'),
  blobs: Symbol('BlobStore'),
  tokens: Symbol('TokenService'),
  context: Symbol('StorageContext'),
  /** Registered only when image transformation is enabled. */
  images: Symbol('ImageContext'),
  /** Registered only when METRICS_ENABLED. */
  metrics: Symbol('ServerMetrics'),
  uploads: Symbol('MultipartUploadStore'),
  resumable: Symbol('ResumableSettings'),
} as const;

/**
 * The blob store of `backend` (the configured one by default), as the server would use it. The S3
 * adapter is loaded only for the S3 backend: its client library (minio) costs ~8 MiB of resident memory.
 */
export async function createBlobStore(config: Config, backend = config.STORAGE_BACKEND): Promise<BlobStore> {
  if (backend === 's3') {
    const { S3BlobStore } = await import('@stowage/adapter-s3');
    return new S3BlobStore({
      bucket: config.STORAGE_S3_BUCKET ?? '',
      endpoint: config.STORAGE_S3_ENDPOINT ?? '',
      region: config.STORAGE_S3_REGION,
      accessKeyId: config.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: config.AWS_SECRET_ACCESS_KEY ?? '',
      forcePathStyle: config.STORAGE_S3_FORCE_PATH_STYLE,
    });
  }
  return new FsBlobStore({ root: fileBackendRoot(config) });
}

/** The directory of the file backend's blobs. */
export function fileBackendRoot(config: Config): string {
  // The reference keeps file blobs under <path>/<bucket name>/<tenant>/…; keep that layout.
  const root = config.FILE_STORAGE_BACKEND_PATH ?? path.join(config.STOWAGE_DATA_DIR, 'objects');
  return path.resolve(root, config.STORAGE_S3_BUCKET ?? 'stowage');
}

/** The metadata store of the configuration, migrated: Postgres at DATABASE_URL, else embedded PGlite. */
export function openMetadataStore(config: Config, onQuery?: QueryObserver) {
  return createPostgresMetadataStore(
    {
      databaseUrl: config.DATABASE_URL,
      pgliteDataDir: config.DATABASE_URL ? undefined : path.resolve(config.STOWAGE_DATA_DIR, 'pg'),
      poolSize: config.DATABASE_POOL_SIZE,
      installRoles: config.DB_INSTALL_ROLES,
    },
    onQuery,
  );
}

function imageContext(config: Config): ImageContext {
  return {
    engine: new SharpImageEngine({
      maxPixels: config.IMAGE_TRANSFORMATION_MAX_PIXELS,
      concurrency: config.IMAGE_TRANSFORMATION_CONCURRENCY,
    }),
    settings: {
      minSize: config.IMAGE_TRANSFORMATION_LIMIT_MIN_SIZE,
      maxSize: config.IMAGE_TRANSFORMATION_LIMIT_MAX_SIZE,
      maxSourceBytes: config.IMAGE_TRANSFORMATION_MAX_SOURCE_SIZE,
    },
  };
}

/**
 * Builds every adapter from the configuration and registers it in a child container; the metadata store
 * is migrated before it is registered, so nothing starts on an old schema.
 */
export async function createContainer(config: Config): Promise<DependencyContainer> {
  const metrics: ServerMetrics | undefined = config.METRICS_ENABLED ? createServerMetrics() : undefined;
  const metadata = await openMetadataStore(config, metrics?.onQuery);
  metrics?.watchPool(() => metadata.poolUse());
  const uploads: MultipartUploadStore = metadata.multipartUploads;
  const tokens: TokenService = new JoseTokenService({
    jwtSecret: config.jwtSecret,
    jwtAlgorithms: [config.AUTH_JWT_ALGORITHM],
    jwksUrl: config.AUTH_JWKS_URL,
  });
  const backend = await createBlobStore(config);
  const blobs = metrics ? new InstrumentedBlobStore(backend, metrics.onBlobOperation) : backend;
  const context: StorageContext = {
    metadata,
    blobs,
    tokens,
    settings: {
      tenantId: config.TENANT_ID,
      uploadFileSizeLimit: config.UPLOAD_FILE_SIZE_LIMIT,
      signedUploadExpiresIn: config.UPLOAD_SIGNED_URL_EXPIRATION_TIME,
    },
  };
  const child = container.createChildContainer();
  child.register(TOKENS.config, { useValue: config });
  child.register(TOKENS.metadata, { useValue: metadata });
  child.register(TOKENS.blobs, { useValue: blobs });
  child.register(TOKENS.tokens, { useValue: tokens });
  child.register(TOKENS.context, { useValue: context });
  const resumable: ResumableSettings = {
    uploads: metadata.resumableUploads,
    expiresInMs: config.TUS_URL_EXPIRY_MS,
    allowForwardedPrefix: config.REQUEST_ALLOW_X_FORWARDED_PATH,
  };
  child.register(TOKENS.resumable, { useValue: resumable });
  if (metrics) child.register(TOKENS.metrics, { useValue: metrics });
  child.register(TOKENS.uploads, { useValue: uploads });
  if (config.imageTransformationEnabled) child.register(TOKENS.images, { useValue: imageContext(config) });
  return child;
}
