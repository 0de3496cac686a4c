export { createStorageApp, type StorageAppOptions } from './create-storage-app';
export { type ErrorEnvelope, errorResponse } from './error-response';
export { JoseTokenService, type JoseTokenServiceOptions } from './jose-token-service';
export { ApiRouter, type RouteHandler } from './openapi/api-router';
export { type OpenApiDocument, openApiDocument } from './openapi/openapi-document';
export type { ResponseSpec, RouteInput, RouteSpec } from './openapi/route-spec';
export type { S3RouterOptions } from './s3/s3-router';
