import type { StorageContext } from '@stowage/core';
import { type Request, type RequestHandler, Router } from 'express';
import {
  createBucketOperation,
  deleteBucketOperation,
  getBucketLocationOperation,
  getBucketVersioningOperation,
  headBucketOperation,
  listBucketsOperation,
} from './operations/bucket-operations';
import { s3Authenticate, s3QueryOf } from './s3-authenticate';
import type { S3Credentials } from './s3-credentials';
import { s3Errors } from './s3-error';
import { s3ErrorHandler } from './s3-error-response';

export interface S3RouterOptions extends S3Credentials {
  /** The region reported by GetBucketLocation; signatures for any region are accepted. */
  readonly region?: string;
}

/** Query parameters that are arguments of an operation, not a sub-resource naming another operation. */
const ARGUMENTS = new Set([
  'prefix',
  'delimiter',
  'max-keys',
  'marker',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'list-type',
  'x-id',
  'versionId',
  'partNumber',
  'uploadId',
  'max-parts',
  'part-number-marker',
  'key-marker',
  'upload-id-marker',
  'max-uploads',
]);

type Operations = Record<string, RequestHandler>;

/**
 * The operation a request names: its method and the sub-resource in its query (`?location`,
 * `?uploads`, …). Presigning parameters, response overrides and arguments are not sub-resources.
 */
function operationKey(req: Request, query: URLSearchParams): string {
  const subresources = [...new Set(query.keys())].filter(
    (name) => !ARGUMENTS.has(name) && !name.startsWith('X-Amz-') && !name.startsWith('response-'),
  );
  return [req.method, ...subresources.sort()].join(' ');
}

function dispatch(level: string, operations: Operations): RequestHandler {
  return (req, res, next) => {
    const key = operationKey(req, s3QueryOf(res));
    const handler = operations[key];
    if (!handler) throw s3Errors.notImplemented(`${req.method} on a ${level} with ${key}`);
    return handler(req, res, next);
  };
}

/**
 * The S3 protocol, path-style, under `/s3`: SigV4-authenticated requests mapped onto the same use cases
 * as the REST API, so the same policies decide. Unknown operations answer NotImplemented.
 */
export function s3Router(context: StorageContext, options: S3RouterOptions): Router {
  const region = options.region ?? 'us-east-1';
  const router = Router({ caseSensitive: true });
  router.use(s3Authenticate(context.tokens, options));

  router.all(
    '/',
    dispatch('service', {
      GET: listBucketsOperation(context),
    }),
  );
  router.all(
    '/:bucket',
    dispatch('bucket', {
      HEAD: headBucketOperation(context, region),
      PUT: createBucketOperation(context),
      DELETE: deleteBucketOperation(context),
      'GET location': getBucketLocationOperation(context, region),
      'GET versioning': getBucketVersioningOperation(context),
    }),
  );
  router.all('/:bucket/*key', dispatch('object', {}));
  router.use(s3ErrorHandler);
  return router;
}
