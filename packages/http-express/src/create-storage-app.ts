import { errors, type ImageContext, type StorageContext } from '@stowage/core';
import express from 'express';
import { errorHandler } from './error-response';
import { bucketRoutes } from './routes/bucket-routes';
import { downloadRoutes } from './routes/download-routes';
import { listRoutes } from './routes/list-routes';
import { objectRoutes } from './routes/object-routes';
import { renderRoutes } from './routes/render-routes';
import { signRoutes } from './routes/sign-routes';
import { signedUploadRoutes } from './routes/upload-routes';
import { type S3RouterOptions, s3Router } from './s3/s3-router';

/** One finished request, for the host's log. */
export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
}

export interface StorageAppOptions {
  readonly context: StorageContext;
  /** Called when each response has been sent (or the connection closed). */
  readonly onRequestLog?: (entry: RequestLogEntry) => void;
  /** Answer of `/version`. */
  readonly version?: string;
  /** Serves the S3 protocol at `/s3` with these credentials; without it `/s3` is not served. */
  readonly s3?: S3RouterOptions;
  /** Image transformation (`/render/image/…`); without it those routes do not exist. */
  readonly images?: ImageContext;
}

/** The Supabase-Storage-compatible REST API, every route at the root. */
export function createStorageApp(options: StorageAppOptions): express.Express {
  const { context, onRequestLog } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (onRequestLog) {
    app.use((req, res, next) => {
      const started = performance.now();
      res.on('close', () =>
        onRequestLog({
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: performance.now() - started,
        }),
      );
      next();
    });
  }
  app.get('/status', (_req, res) => {
    res.type('text/plain').send('');
  });
  app.get('/version', (_req, res) => {
    res.type('text/plain').send(options.version ?? '0.1.0');
  });
  if (options.s3) app.use('/s3', s3Router(context, options.s3));
  // Order matters: specific `/object/<word>/…` routes before the catch-all `/object/:bucket/*key`.
  app.use(bucketRoutes(context));
  app.use(signedUploadRoutes(context));
  app.use(signRoutes(context));
  app.use(listRoutes(context));
  app.use(downloadRoutes(context));
  if (options.images) app.use(renderRoutes(context, options.images));
  app.use(objectRoutes(context));
  app.use((req) => {
    throw errors.invalidRequest(`Route ${req.method}:${req.path} not found`);
  });
  app.use(errorHandler);
  return app;
}
