import { type StorageContext, uploadObject } from '@stowage/core';
import type { RequestHandler } from 'express';
import { objectPath } from '../../object-path';
import { requestScope } from '../../request-scope';
import { payloadLength, requestPayload } from '../payload/request-payload';
import { userMetadataOf } from '../s3-metadata';

/**
 * PutObject: the payload (plain, signed whole, or aws-chunked) streams through the upload use case, so
 * limits and policies hold as for a REST upload; an existing object is replaced unless `If-None-Match: *`.
 */
export const putObjectOperation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    const { bucketId, key } = objectPath(req);
    const length = payloadLength(req);
    const object = await uploadObject(context, requestScope(req, res, 's3.PutObject'), {
      bucketId,
      key,
      body: requestPayload(req, res),
      contentType: req.get('content-type') || 'application/octet-stream',
      cacheControl: req.get('cache-control') || 'no-cache',
      userMetadata: userMetadataOf(req),
      upsert: req.get('if-none-match')?.trim() !== '*',
      ...(length !== undefined && { contentLength: length }),
    });
    res
      .status(200)
      .set('etag', object.metadata?.eTag ?? '')
      .end();
  };
