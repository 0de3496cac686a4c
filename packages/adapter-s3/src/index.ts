export { type S3BlobStoreConfig, type S3BlobStoreOptions, s3BlobStoreConfig } from './config';
export { S3BlobStore } from './s3-blob-store';
