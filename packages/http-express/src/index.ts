export { createStorageApp, type RequestLogEntry, type StorageAppOptions } from './create-storage-app';
export { type ErrorEnvelope, errorResponse } from './error-response';
export { JoseTokenService, type JoseTokenServiceOptions } from './jose-token-service';
export type { S3RouterOptions } from './s3/s3-router';
