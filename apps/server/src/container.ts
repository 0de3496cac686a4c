import 'reflect-metadata';
import path from 'node:path';
import { FsBlobStore } from '@stowage/adapter-fs';
import { createPostgresMetadataStore } from '@stowage/adapter-postgres';
import { S3BlobStore } from '@stowage/adapter-s3';
import type { BlobStore, MetadataStore, StorageContext, TokenService } from '@stowage/core';
import { JoseTokenService } from '@stowage/http-express';
import { container, type DependencyContainer } from 'tsyringe';
import type { Config } from './config';

/** Injection tokens of the pieces the server wires together. */
export const TOKENS = {
  config: Symbol('Config'),
  metadata: Symbol('MetadataStore'),
  blobs: Symbol('BlobStore'),
  tokens: Symbol('TokenService'),
  context: Symbol('StorageContext'),
} as const;

function createBlobStore(config: Config): BlobStore {
  if (config.STORAGE_BACKEND === 's3') {
    return new S3BlobStore({
      bucket: config.STORAGE_S3_BUCKET ?? '',
      endpoint: config.STORAGE_S3_ENDPOINT ?? '',
      region: config.STORAGE_S3_REGION,
      accessKeyId: config.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: config.AWS_SECRET_ACCESS_KEY ?? '',
      forcePathStyle: config.STORAGE_S3_FORCE_PATH_STYLE,
    });
  }
  // The reference keeps file blobs under <path>/<bucket name>/<tenant>/…; keep that layout.
  const root = config.FILE_STORAGE_BACKEND_PATH ?? path.join(config.STOWAGE_DATA_DIR, 'objects');
  return new FsBlobStore({ root: path.resolve(root, config.STORAGE_S3_BUCKET ?? 'stowage') });
}

/**
 * Builds every adapter from the configuration and registers it in a child container; the metadata store
 * is migrated before it is registered, so nothing starts on an old schema.
 */
export async function createContainer(config: Config): Promise<DependencyContainer> {
  const metadata: MetadataStore = await createPostgresMetadataStore({
    databaseUrl: config.DATABASE_URL,
    pgliteDataDir: config.DATABASE_URL ? undefined : path.resolve(config.STOWAGE_DATA_DIR, 'pg'),
    poolSize: config.DATABASE_POOL_SIZE,
    installRoles: config.DB_INSTALL_ROLES,
  });
  const tokens: TokenService = new JoseTokenService({
    jwtSecret: config.jwtSecret,
    jwtAlgorithms: [config.AUTH_JWT_ALGORITHM],
    jwksUrl: config.AUTH_JWKS_URL,
  });
  const blobs = createBlobStore(config);
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
  return child;
}
