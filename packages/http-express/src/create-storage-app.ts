import { errors, type ImageContext, type StorageContext } from '@stowage/core';
import express from 'express';
import { authenticate } from './authenticate';
import { errorHandler } from './error-response';
import { httpMetrics } from './http-metrics';
import { InFlightRequests } from './in-flight-requests';
import { ApiRouter } from './openapi/api-router';
import { documentationAssets, documentationRoutes } from './openapi/documentation-routes';
import { type OpenApiDocument, openApiDocument } from './openapi/openapi-document';
import { type RequestLogger, requestLog } from './request-log';
import type { ResumableSettings } from './resumable/resumable-data-store';
import { resumableRoutes } from './resumable/resumable-routes';
import { bucketRoutes } from './routes/bucket-routes';
import { downloadRoutes } from './routes/download-routes';
import { healthRoutes, type Readiness } from './routes/health-routes';
import { listRoutes } from './routes/list-routes';
import { type MetricsOptions, metricsRoutes } from './routes/metrics-routes';
import { objectRoutes } from './routes/object-routes';
import { operationRoutes } from './routes/operation-routes';
import { renderRoutes } from './routes/render-routes';
import { signRoutes } from './routes/sign-routes';
import { signedUploadRoutes } from './routes/upload-routes';
import { type S3RouterOptions, s3Router } from './s3/s3-router';

export interface StorageAppOptions {
  readonly context: StorageContext;
  /** Answer of `/version`. */
  readonly version?: string;
  /** Serves the S3 protocol at `/s3` with these credentials; without it `/s3` is not served. */
  readonly s3?: S3RouterOptions;
  /** Image transformation (`/render/image/…`); without it those routes do not exist. */
  readonly images?: ImageContext;
  /** Writes one line per request. */
  readonly logger?: RequestLogger;
  /** Serves `/metrics` and records the HTTP metrics in its registry; without it `/metrics` is not served. */
  readonly metrics?: MetricsOptions;
  /** `/health` answers this; without it, ready whenever the process answers. */
  readonly readiness?: Readiness;
  /** Counts the requests being served; the host waits on it at shutdown. */
  readonly inFlight?: InFlightRequests;
  /** Resumable (TUS) uploads under `/upload/resumable`; absent, those routes are not served. */
  readonly resumable?: ResumableSettings;
}

/** The Supabase-Storage-compatible REST API, every route at the root, and its OpenAPI document. */
export function createStorageApp(options: StorageAppOptions): express.Express {
  const { context } = options;
  const version = options.version ?? '0.1.0';
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const inFlight = options.inFlight ?? new InFlightRequests();
  if (options.logger) app.use(requestLog(options.logger));
  app.use(inFlight.middleware);
  if (options.metrics) app.use(httpMetrics(options.metrics.registry, inFlight));

  const api = new ApiRouter(authenticate(context.tokens));
  let document: OpenApiDocument | undefined;
  operationRoutes(api, version);
  healthRoutes(api, options.readiness ?? (async () => ({ ready: true, checks: {} })));
  if (options.metrics) metricsRoutes(api, options.metrics);
  documentationRoutes(api, () => {
    document ??= openApiDocument(api.routes, version);
    return document;
  });
  if (options.s3) app.use('/s3', s3Router(context, options.s3));
  // Order matters: specific `/object/<word>/…` routes before the catch-all `/object/:bucket/*key`.
  bucketRoutes(api, context);
  signedUploadRoutes(api, context);
  signRoutes(api, context);
  listRoutes(api, context);
  downloadRoutes(api, context);
  if (options.images) renderRoutes(api, context, options.images);
  objectRoutes(api, context);
  if (options.resumable) resumableRoutes(api, context, options.resumable);

  app.use('/documentation/static', documentationAssets());
  app.use(api.router);
  app.use((req) => {
    throw errors.invalidRequest(`Route ${req.method}:${req.path} not found`);
  });
  app.use(errorHandler);
  return app;
}
