import type { MultipartContext, StorageContext } from '@stowage/core';
import { type Request, type RequestHandler, Router } from 'express';
import {
  createBucketOperation,
  deleteBucketOperation,
  getBucketLocationOperation,
  getBucketVersioningOperation,
  headBucketOperation,
  listBucketsOperation,
} from './operations/bucket-operations';
import { copyObjectOperation } from './operations/copy-object';
import { deleteObjectOperation, deleteObjectsOperation } from './operations/delete-objects';
import { getObjectOperation } from './operations/get-object';
import { listObjectsOperation, listObjectsV2Operation } from './operations/list-objects';
import {
  abortMultipartUploadOperation,
  completeMultipartUploadOperation,
  createMultipartUploadOperation,
  listMultipartUploadsOperation,
  listPartsOperation,
  uploadPartOperation,
} from './operations/multipart-operations';
import { getObjectTaggingOperation } from './operations/object-tagging';
import { isBrowserUpload, postObjectOperation } from './operations/post-object';
import { putObjectOperation } from './operations/put-object';
import { s3Authenticate, s3QueryOf } from './s3-authenticate';
import type { S3Credentials } from './s3-credentials';
import { s3Errors } from './s3-error';
import { s3ErrorHandler } from './s3-error-response';

export interface S3RouterOptions extends S3Credentials {
  /**
   * Where multipart uploads are remembered, so any instance can continue one; without it the multipart
   * operations answer NotImplemented.
   */
  readonly uploads?: MultipartContext['uploads'];
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
  'x-id',
  'versionId',
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

/** The multipart operations, by the router level they belong to, when uploads can be remembered. */
function multipartOperations(
  context: StorageContext,
  uploads: S3RouterOptions['uploads'],
): { bucket: Operations; object: Operations } {
  if (!uploads) return { bucket: {}, object: {} };
  const multipart: MultipartContext = { ...context, uploads };
  return {
    bucket: { 'GET uploads': listMultipartUploadsOperation(multipart) },
    object: {
      'POST uploads': createMultipartUploadOperation(multipart),
      'PUT partNumber uploadId': uploadPartOperation(multipart),
      'POST uploadId': completeMultipartUploadOperation(multipart),
      'DELETE uploadId': abortMultipartUploadOperation(multipart),
      'GET uploadId': listPartsOperation(multipart),
    },
  };
}

/**
 * The S3 protocol, path-style, under `/s3`: SigV4-authenticated requests mapped onto the same use cases
 * as the REST API, so the same policies decide. Unknown operations answer NotImplemented.
 */
export function s3Router(context: StorageContext, options: S3RouterOptions): Router {
  const region = options.region ?? 'us-east-1';
  const multipart = multipartOperations(context, options.uploads);
  const router = Router({ caseSensitive: true });
  // A browser upload carries its signature in the form, so it is verified there, not as a request.
  const postObject = postObjectOperation(context, options);
  router.post('/:bucket', (req, res, next) => (isBrowserUpload(req) ? postObject(req, res, next) : next()));
  router.use(s3Authenticate(context.tokens, options));

  router.all(
    '/',
    dispatch('service', {
      GET: listBucketsOperation(context),
    }),
  );
  const listV1 = listObjectsOperation(context);
  const listV2 = listObjectsV2Operation(context);
  router.all(
    '/:bucket',
    dispatch('bucket', {
      HEAD: headBucketOperation(context, region),
      PUT: createBucketOperation(context),
      DELETE: deleteBucketOperation(context),
      'GET location': getBucketLocationOperation(context, region),
      'GET versioning': getBucketVersioningOperation(context),
      GET: listV1,
      'GET list-type': (req, res, next) =>
        (s3QueryOf(res).get('list-type') === '2' ? listV2 : listV1)(req, res, next),
      'POST delete': deleteObjectsOperation(context),
      ...multipart.bucket,
    }),
  );
  const put = putObjectOperation(context);
  const copy = copyObjectOperation(context);
  const getObject = getObjectOperation(context);
  router.all(
    '/:bucket/*key',
    dispatch('object', {
      GET: getObject,
      HEAD: getObject,
      PUT: (req, res, next) => (req.get('x-amz-copy-source') ? copy : put)(req, res, next),
      DELETE: deleteObjectOperation(context),
      'GET tagging': getObjectTaggingOperation(context),
      ...multipart.object,
    }),
  );
  router.use(s3ErrorHandler);
  return router;
}
