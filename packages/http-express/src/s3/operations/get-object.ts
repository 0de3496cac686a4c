import { pipeline } from 'node:stream/promises';
import { findReadableObject, readObject, type StorageContext, type StoredObject } from '@stowage/core';
import type { RequestHandler } from 'express';
import { parseByteRange } from '../../byte-range';
import { objectPath } from '../../object-path';
import { requestScope } from '../../request-scope';
import { evaluateConditions, lastModifiedOf } from '../conditional-request';
import { s3QueryOf } from '../s3-authenticate';
import { s3Errors } from '../s3-error';
import { metadataHeaders } from '../s3-metadata';

/** `response-*` query parameters override these headers of a GetObject answer. */
const OVERRIDES = [
  'content-type',
  'content-language',
  'expires',
  'cache-control',
  'content-disposition',
  'content-encoding',
];

function objectHeaders(object: StoredObject): Record<string, string> {
  const lastModified = lastModifiedOf(object);
  return {
    etag: object.metadata?.eTag ?? '',
    'last-modified': lastModified.toUTCString(),
    'cache-control': object.metadata?.cacheControl ?? 'no-cache',
    'accept-ranges': 'bytes',
    ...metadataHeaders(object.userMetadata),
  };
}

/**
 * GetObject and HeadObject: the object through the caller's policies (or a public bucket), honouring
 * the conditional headers, a single `Range` (`a-b`, `a-`, `-n`) and `response-*` overrides.
 */
export const getObjectOperation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    const { bucketId, key } = objectPath(req);
    const head = req.method === 'HEAD';
    const scope = requestScope(req, res, head ? 's3.HeadObject' : 's3.GetObject');
    const object = await findReadableObject(context, scope, 'authenticated', bucketId, key);
    const size = object.metadata?.size ?? 0;
    const headers = objectHeaders(object);
    const conditions = {
      ifMatch: req.get('if-match'),
      ifNoneMatch: req.get('if-none-match'),
      ifModifiedSince: req.get('if-modified-since'),
      ifUnmodifiedSince: req.get('if-unmodified-since'),
    };
    const outcome = evaluateConditions(conditions, headers.etag ?? '', lastModifiedOf(object));
    if (outcome === 'failed') throw s3Errors.preconditionFailed();
    if (outcome === 'not-modified') {
      res.status(304).set(headers).end();
      return;
    }
    let range: ReturnType<typeof parseByteRange>;
    try {
      range = parseByteRange(req.get('range'), size);
    } catch (error) {
      res.set('content-range', `bytes */${size}`);
      throw error;
    }
    const bytes = head ? undefined : await readObject(context, object, range);
    res.set({ ...headers, 'content-length': String(range ? range.end - range.start + 1 : size) });
    res.setHeader('content-type', object.metadata?.mimetype ?? 'application/octet-stream');
    const query = s3QueryOf(res);
    for (const header of OVERRIDES) {
      const value = query.get(`response-${header}`);
      if (value === null) continue;
      if (!/^[\x20-\x7e]*$/.test(value)) throw s3Errors.invalidArgument(`Invalid response-${header}`);
      res.setHeader(header, value);
    }
    if (range) res.status(206).set('content-range', `bytes ${range.start}-${range.end}/${size}`);
    if (!bytes) {
      res.end();
      return;
    }
    await pipeline(bytes, res);
  };
